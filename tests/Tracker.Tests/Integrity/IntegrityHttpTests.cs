using System.Net;
using Tracker.Tests.Support;

namespace Tracker.Tests.Integrity;

/// <summary>An administrator checks the record over HTTP; nobody else may.</summary>
[Collection(AppCollection.Name)]
public class IntegrityHttpTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    [Fact]
    public async Task an_admin_verifies_the_chain_over_http_and_others_are_refused()
    {
        var id = $"integrity-{Guid.NewGuid():N}"[..24];
        await _api.Open(id, "c1");
        await _api.Record(id, Api.Statement("c1", "announced"));

        var report = await _api.As(app.AdminToken).Get("/api/integrity");
        report["intact"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
        report["verified"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(3);
        report["headHash"]!.GetValue<string>().Length.ShouldBe(64);
        var one = await _api.As(app.AdminToken).Get($"/api/integrity?agreement={id}");
        one["verified"]!.GetValue<long>().ShouldBe(3);
        one["scope"]!.GetValue<string>().ShouldBe($"agreement '{id}'");

        (await _api.Send(HttpMethod.Get, "/api/integrity")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await _api.As(app.ReaderToken).Send(HttpMethod.Get, "/api/integrity")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await _api.Anonymous().Send(HttpMethod.Get, "/api/integrity")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var (status, problem, _) = await _api.As(app.AdminToken).Send(HttpMethod.Get, "/api/integrity?from=0");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["from"]![0]!.GetValue<string>().ShouldBe("must be a sequence number of 1 or more");
    }
}
