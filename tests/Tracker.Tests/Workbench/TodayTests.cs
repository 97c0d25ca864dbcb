using System.Net;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Tracker.Security;
using Tracker.Tests.Support;

namespace Tracker.Tests.Workbench;

/// <summary>
/// "Today" is the latest date that is today somewhere on Earth (UTC+14), wherever the workbench or the API asks:
/// just after midnight in Kyiv, the statement said that day is neither "in the future" to the preview nor to the save.
/// </summary>
public class TodayTests : IAsyncLifetime
{
    // 23:30 UTC on 14 March is already 01:30 on the 15th in Kyiv and 13:30 on the 15th in Kiribati.
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 23, 30, 0, TimeSpan.Zero);
    private const string Agreement = "kyiv-midnight";
    private IAlbaHost _host = null!;
    private WorkbenchClient _analyst = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _host = await TrackerApp.StartAsync(await TestCluster.NewDatabaseAsync("today"), new TrackerApp.FixedClock(Now));
        var token = _token = (await _host.Services.GetRequiredService<UserAdministration>().AddAsync("olena", Roles.Analyst)).Token;
        foreach (var (url, body) in new (string, object)[]
                 {
                     ("/api/agreements", new { agreementId = Agreement, title = "Ukraine–France air defence", parties = new[] { "UKR", "FRA" } }),
                     ($"/api/agreements/{Agreement}/commitments", new { commitmentId = "air-defence", title = "Air defence", category = "air-defence" }),
                 })
            await _host.Scenario(s =>
            {
                s.Post.Json(body).ToUrl(url);
                s.WithBearerToken(token);
                s.StatusCodeShouldBe(HttpStatusCode.Created);
            });
        _analyst = new WorkbenchClient(_host);
        await _analyst.SignInAsync("olena", token);
    }

    private async Task<(WorkbenchClient.Page Preview, WorkbenchClient.Page Save)> PreviewThenSaveAsync(string saidOn)
    {
        var url = $"/agreements/{Agreement}/statements/new";
        var form = await _analyst.GetAsync(url);
        form.Status.ShouldBe(HttpStatusCode.OK, form.Text);
        (string, string)[] fields =
        [
            ("Form.StatementId", form.InputValue("Form.StatementId")),
            ("Form.Assertions[0].CommitmentId", "air-defence"), ("Form.Assertions[0].Stage", "announced"),
            ("Form.SpeakerName", "Rustem Umerov"), ("Form.SpeakerActor", "UKR"), ("Form.SaidOn", saidOn),
            ("Form.Quote", "Ми домовилися про спільне виробництво."), ("Form.Language", "uk"),
            ("Form.Outlet", "Ukrinform"), ("Form.Kind", "media-report"),
        ];
        var preview = await _analyst.PostAsync(form, url + "?handler=preview", fields);
        var save = await _analyst.PostAsync(preview, url + "?handler=save", fields);
        return (preview, save);
    }

    [Fact]
    public async Task at_23_30_utc_a_statement_said_on_the_next_day_is_previewed_and_saved_alike()
    {
        var (preview, save) = await PreviewThenSaveAsync("2026-03-15");

        preview.Element("saidOn-error").ShouldBeEmpty("the preview must not call a date the save accepts 'in the future'");
        preview.Text.ShouldContain("air-defence: none → announced");
        save.Status.ShouldBe(HttpStatusCode.Redirect, save.Text);
        save.Location!.ToString().ShouldStartWith($"/agreements/{Agreement}?recorded=");
    }

    [Fact]
    public async Task a_date_that_is_tomorrow_everywhere_is_refused_by_the_preview_and_the_save_in_the_same_words()
    {
        var (preview, save) = await PreviewThenSaveAsync("2026-03-16");

        preview.Element("saidOn-error").ShouldBe("2026-03-16 is in the future");
        save.Status.ShouldBe(HttpStatusCode.BadRequest);
        save.Element("saidOn-error").ShouldBe(preview.Element("saidOn-error"));
    }

    [Fact]
    public async Task the_changes_page_and_the_api_end_their_default_period_on_the_same_day()
    {
        var page = await _analyst.GetAsync("/changes");
        page.Status.ShouldBe(HttpStatusCode.OK, page.Text);
        var api = await _host.Scenario(s =>
        {
            s.Get.Url("/api/reports/changes");
            s.WithBearerToken(_token);
            s.StatusCodeShouldBe(HttpStatusCode.OK);
        });
        var report = System.Text.Json.Nodes.JsonNode.Parse(await api.ReadAsTextAsync())!;

        report["to"]!.GetValue<string>().ShouldBe("2026-03-15");
        page.InputValue("to").ShouldBe(report["to"]!.GetValue<string>());
        page.InputValue("from").ShouldBe(report["from"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        _analyst.Dispose();
        await _host.DisposeAsync();
    }
}
