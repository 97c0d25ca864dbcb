using System.Net;
using Tracker.Tests.Support;

namespace Tracker.Tests.Reports;

/// <summary>A filter that can match nothing because it is misspelt says so; an empty 200 would read as "no such commitments".</summary>
[Collection(AppCollection.Name)]
public class ReportFilterTests(TrackerApp app)
{
    private readonly Api _api = new(app);

    [Fact]
    public async Task a_party_written_as_no_actor_is_refused_with_the_code_it_meant()
    {
        var (status, problem, _) = await _api.Send(HttpMethod.Get, "/api/reports/status?party=uk");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["party"]![0]!.GetValue<string>().ShouldContain("did you mean GBR (United Kingdom)?");

        (await _api.Send(HttpMethod.Get, "/api/reports/status?party=ukr")).Status.ShouldBe(HttpStatusCode.OK, "case does not matter in a filter");
    }

    [Fact]
    public async Task a_misspelt_agreement_is_refused_with_the_agreements_it_most_likely_meant()
    {
        var id = "misspelt-" + Guid.NewGuid().ToString("N")[..8];
        await _api.Open(id, "air-defence-joint-production");

        var (status, problem, _) = await _api.Send(HttpMethod.Get, $"/api/reports/status?agreement={id[..^1]}x");
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem!["errors"]!["agreement"]![0]!.GetValue<string>().ShouldContain($"did you mean '{id}'");

        (await _api.Send(HttpMethod.Get, $"/api/reports/status?agreement={id}")).Status.ShouldBe(HttpStatusCode.OK);
        (await _api.Send(HttpMethod.Get, $"/api/reports/evidence?agreement={id[..^1]}x")).Status.ShouldBe(HttpStatusCode.BadRequest,
            "the evidence table answers as the report does");
    }
}
