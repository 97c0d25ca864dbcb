using System.Net;
using Tracker.Registry;
using Tracker.Tests.Support;

namespace Tracker.Tests.Domain;

/// <summary>One code per actor: "UK" and "GBR" must never split a portfolio in two.</summary>
[Collection(AppCollection.Name)]
public class ActorCodeTests(TrackerApp app)
{
    [Theory]
    [InlineData("UKR")]
    [InlineData("GBR")]
    [InlineData("NATO")]
    [InlineData("EU")]
    [InlineData("UKR-MOD")]
    [InlineData("XKX")]
    public void states_organisations_and_their_units_are_actors(string code) =>
        ActorDirectory.BuiltIn.Resolve(code).Id.ShouldBe(code);

    [Theory]
    [InlineData("UK", "did you mean GBR (United Kingdom)?")]
    [InlineData("GB", "did you mean GBR (United Kingdom)?")]
    [InlineData("EL", "did you mean GRC (Greece)?")]
    [InlineData("UKRR", "did you mean UKR (Ukraine)?")]
    [InlineData("ukr", "must be written in capitals: UKR")]
    [InlineData("RHEINMETALL", "is not an actor code. States are ISO 3166-1 alpha-3")]
    [InlineData("ZZZ-MOD", "is not an actor code")]
    public void a_near_miss_is_refused_with_the_code_it_meant(string code, string reason)
    {
        var resolved = ActorDirectory.BuiltIn.Resolve(code);
        resolved.Id.ShouldBeNull();
        resolved.Refusal.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public async Task an_agreement_between_uk_and_ukraine_is_refused_naming_the_party_and_the_code_to_use()
    {
        var api = new Api(app);
        var (status, problem, _) = await api.Send(HttpMethod.Post, "/api/agreements", new
        {
            agreementId = "uk-" + Guid.NewGuid().ToString("N")[..8], title = "UK–Ukraine 100-year partnership", parties = new[] { "UKR", "UK" },
        });
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["parties[1]"]![0]!.GetValue<string>().ShouldContain("did you mean GBR (United Kingdom)?");
    }
}
