using JasperFx.CommandLine;
using Tracker.Agreements.Deciding;
using Tracker.Agreements.Storage;
using Tracker.Cli;
using Tracker.Http;
using Tracker.Kernel;
using Tracker.Registry.Actors;
using Tracker.Registry.People;

namespace Tracker.Registry;

public class RegistryInput : TrackerInput
{
    [Description("add | alias | list")]
    public string Action { get; set; } = "list";

    [Description("add: the actor's code (RENAULT) or the person's name; alias: the actor's code or person's id; list: words to search for")]
    public string Subject { get; set; } = "";

    [Description("alias: the alias to add (a code or a name, any script)")]
    public string Alias { get; set; } = "";

    [Description("add (actors): state | former-state | organisation | company | armed-group | other; list: only this kind"), FlagAlias("kind", 'k')]
    public string? KindFlag { get; set; }

    [Description("add (actors): the actor's name"), FlagAlias("name", 'n')]
    public string? NameFlag { get; set; }

    [Description("add (actors): the home state's code (FRA)"), FlagAlias("country", 'c')]
    public string? CountryFlag { get; set; }

    [Description("add: aliases, separated by '|' (\"Renault|Groupe Renault\")"), FlagAlias("aliases", 'a')]
    public string? AliasesFlag { get; set; }

    [Description("add (people): a role held, as ROLE@ACTOR:FROM..TO (\"Minister of Defence@UKR:2023-09-06..2025-07-17\")"), FlagAlias("role", 'r')]
    public string? RoleFlag { get; set; }

    [Description("Who the events are recorded as (default: cli:<OS user>)"), FlagAlias("user", 'u')]
    public string? UserFlag { get; set; }

    public IReadOnlyList<string>? Aliases => AliasesFlag?.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public Author Author => new(UserFlag ?? CliUser.Name, $"cli-{Guid.NewGuid():N}");
}

/// <summary>The actor registry from a terminal: the same commands as the API, decided by the same writer.</summary>
[Description("The actor registry: 'actors add RENAULT --kind company --name \"Renault Group\" --country FRA --aliases Renault'; " +
             "'actors alias EU EUE'; 'actors list [WORDS] [--kind company]'", Name = "actors")]
public class ActorsVerb : JasperFxAsyncCommand<RegistryInput>
{
    public ActorsVerb()
    {
        Usage("List or search").Arguments(x => x.Action);
        Usage("Add, or search").Arguments(x => x.Action, x => x.Subject);
        Usage("Add an alias").Arguments(x => x.Action, x => x.Subject, x => x.Alias);
    }

    public override async Task<bool> Execute(RegistryInput input)
    {
        using var host = await input.BuildHost().StartedForCommandAsync();
        var writer = host.Services.GetRequiredService<RegistryWriter>();
        switch (input.Action.ToLowerInvariant())
        {
            case "add":
                return RegistryVerbs.Report("actors add", await writer.ExecuteAsync(new RegisterActor(input.Subject, input.KindFlag, input.NameFlag,
                    input.CountryFlag, Aliases: input.Aliases), input.Author), $"actor {input.Subject}");
            case "alias":
                return RegistryVerbs.Report("actors alias", await writer.ExecuteAsync(new AddActorAlias(input.Subject, input.Alias), input.Author),
                    $"alias '{input.Alias}' of {input.Subject}");
            case "list":
                var kind = new Checks();
                ActorKind? filter = null;
                if (input.KindFlag is not null && kind.Vocabulary<ActorKind>("kind", input.KindFlag, out var k)) filter = k;
                if (!kind.Passed) return CliErrors.Report("actors list", kind.Errors);
                var page = await host.Services.GetRequiredService<ActorReads>().SearchAsync(input.Subject, filter, new Paging(1, Paging.MaxSize), default);
                Console.WriteLine($"{"ACTOR",-16} {"KIND",-13} {"COUNTRY",-8} NAME (ALIASES)");
                foreach (var a in page.Items)
                    Console.WriteLine($"{a.ActorId,-16} {a.Kind,-13} {a.Country ?? "",-8} {a.Name}" +
                                      (a.Aliases.Count > 0 ? $" ({string.Join(", ", a.Aliases)})" : "") +
                                      (a.MergedInto is { } into ? $" → merged into {into}" : ""));
                Console.Error.WriteLine($"{page.Total} actor(s){(page.Total > page.Items.Count ? $", the first {page.Items.Count} shown" : "")}.");
                return true;
            default:
                return CliErrors.Fail($"actors: unknown action '{input.Action}'; use add, alias or list.");
        }
    }
}

/// <summary>The people registry from a terminal.</summary>
[Description("The people registry: 'people add \"Rustem Umerov\" --aliases \"Rustem Umerow|Рустем Умєров\" --role \"Minister of Defence@UKR:2023-09-06..2025-07-17\"'; " +
             "'people alias rustem-umerov Oumerov'; 'people list [WORDS]'", Name = "people")]
public class PeopleVerb : JasperFxAsyncCommand<RegistryInput>
{
    public PeopleVerb()
    {
        Usage("List or search").Arguments(x => x.Action);
        Usage("Add, or search").Arguments(x => x.Action, x => x.Subject);
        Usage("Add an alias").Arguments(x => x.Action, x => x.Subject, x => x.Alias);
    }

    public override async Task<bool> Execute(RegistryInput input)
    {
        using var host = await input.BuildHost().StartedForCommandAsync();
        var writer = host.Services.GetRequiredService<RegistryWriter>();
        switch (input.Action.ToLowerInvariant())
        {
            case "add":
                var roles = new List<RoleInput>();
                if (input.RoleFlag is { } text)
                {
                    if (RegistryVerbs.ParseRole(text) is { } role) roles.Add(role);
                    else return CliErrors.Fail($"people add: --role: '{text}' is not ROLE@ACTOR:FROM..TO (actor and dates optional: \"Minister\", \"Minister@UKR\", \"Minister@UKR:2023-09-06..\")");
                }
                var command = new RegisterPerson(RegisterPerson.IdFor(input.Subject), input.Subject, input.Aliases, roles);
                return RegistryVerbs.Report("people add", await writer.ExecuteAsync(command, input.Author), $"person {command.PersonId}");
            case "alias":
                return RegistryVerbs.Report("people alias", await writer.ExecuteAsync(new AddPersonAlias(input.Subject, input.Alias), input.Author),
                    $"alias '{input.Alias}' of {input.Subject}");
            case "list":
                var page = await host.Services.GetRequiredService<PeopleReads>().SearchAsync(input.Subject, new Paging(1, Paging.MaxSize), default);
                Console.WriteLine($"{"PERSON",-32} NAME (ALIASES)");
                foreach (var p in page.Items)
                    Console.WriteLine($"{p.PersonId,-32} {p.Name}" + (p.Aliases.Count > 0 ? $" ({string.Join(", ", p.Aliases)})" : ""));
                Console.Error.WriteLine($"{page.Total} person(s){(page.Total > page.Items.Count ? $", the first {page.Items.Count} shown" : "")}.");
                return true;
            default:
                return CliErrors.Fail($"people: unknown action '{input.Action}'; use add, alias or list.");
        }
    }
}

internal static class RegistryVerbs
{
    /// <summary>What the writer decided, in the terminal's terms: refusals name the field and exit non-zero.</summary>
    public static bool Report(string verb, WriteResult result, string what)
    {
        switch (result.Outcome)
        {
            case Rejected rejected:
                foreach (var e in rejected.Errors) Console.Error.WriteLine($"{verb}: {e.Field}: {e.Reason}");
                Console.Error.WriteLine($"{verb}: nothing was written");
                return false;
            case AlreadyDone:
                Console.Error.WriteLine($"{verb}: {what} is already so: nothing was appended.");
                return true;
            default:
                Console.Error.WriteLine($"{verb}: recorded {what} (version {result.Version}).");
                return true;
        }
    }

    /// <summary>ROLE[@ACTOR][:FROM..TO], dates YYYY-MM-DD, either end open.</summary>
    public static RoleInput? ParseRole(string text)
    {
        var (head, dates) = text.LastIndexOf(':') is var c and >= 0 && text[(c + 1)..].Contains("..") ? (text[..c], text[(c + 1)..]) : (text, "");
        var (role, actor) = head.LastIndexOf('@') is var a and >= 0 ? (head[..a], head[(a + 1)..]) : (head, null);
        DateOnly? from = null, to = null;
        if (dates.Length > 0)
        {
            var parts = dates.Split("..");
            if (parts.Length != 2) return null;
            if (parts[0].Length > 0) { if (DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", out var f)) from = f; else return null; }
            if (parts[1].Length > 0) { if (DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", out var t)) to = t; else return null; }
        }
        return new RoleInput(role.Trim(), string.IsNullOrWhiteSpace(actor) ? null : actor.Trim(), from, to);
    }
}
