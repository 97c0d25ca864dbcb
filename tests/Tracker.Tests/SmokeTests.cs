using Alba;
using Tracker.Tests.Support;

namespace Tracker.Tests;

[Collection(AppCollection.Name)]
public class SmokeTests(TrackerApp app)
{
    [Fact]
    public async Task health_is_ok_on_a_migrated_database()
    {
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBeOk();
        });
    }
}
