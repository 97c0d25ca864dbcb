using System.Reflection;
using Tracker.Agreements.Deciding;
using Tracker.Export;
using Tracker.Import;

namespace Tracker.Tests.Domain;

/// <summary>A new command is registered by its slice alone: its [ImportLine] is what import, export and the store read.</summary>
public class RegistrationTests
{
    [Fact]
    public void every_command_names_its_import_line_and_the_event_it_records()
    {
        // Agreement commands, and the registry's (actors and people): every write can be an import line.
        Type[] kinds = [typeof(IAgreementCommand), typeof(Tracker.Registry.Actors.IActorCommand), typeof(Tracker.Registry.People.IPersonCommand)];
        var commands = typeof(IAgreementCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && kinds.Any(k => k.IsAssignableFrom(t)))
            .ToList();
        commands.Count.ShouldBe(7 + 5 + 3);
        foreach (var command in commands)
            command.GetCustomAttribute<ImportLineAttribute>().ShouldNotBeNull($"{command.Name} has no [ImportLine]");
        ImportReader.CommandTypes.Values.ShouldBe(commands, ignoreOrder: true);
        // Record, correct and retract each also record a proposal where review is required ([AlsoRecords]).
        AgreementCommands.EventTypes.Distinct().Count().ShouldBe(commands.Count + 3);
    }

    [Fact]
    public void export_refuses_an_event_no_command_records_again_by_name()
    {
        Should.Throw<InvalidOperationException>(() => Exporter.LineFor(new { Unregistered = true }))
            .Message.ShouldContain("[ImportLine]");
    }
}
