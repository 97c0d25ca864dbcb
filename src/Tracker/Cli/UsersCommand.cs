using JasperFx.CommandLine;
using Tracker.Security;

namespace Tracker.Cli;

public class UsersInput : TrackerInput
{
    [Description("add | list | revoke | email")]
    public string Action { get; set; } = "list";

    [Description("The user name (for add, revoke and email)")]
    public string Name { get; set; } = "";

    [Description("The address their daily digest is mailed to (for email; 'none' removes it)")]
    public string Address { get; set; } = "";

    [Description("reader | analyst | admin (for add)"), FlagAlias("role", 'r')]
    public string RoleFlag { get; set; } = Roles.Reader;
}

[Description("Manage API users: 'users add NAME --role analyst' prints a token once; 'users list'; 'users revoke NAME'; " +
             "'users email NAME ADDRESS' sets where their digest goes",
    Name = "users")]
public class UsersCommand : JasperFxAsyncCommand<UsersInput>
{
    public UsersCommand()
    {
        Usage("List users").Arguments(x => x.Action);
        Usage("Add or revoke a user").Arguments(x => x.Action, x => x.Name);
        Usage("Set a user's email address").Arguments(x => x.Action, x => x.Name, x => x.Address);
    }

    public override async Task<bool> Execute(UsersInput input)
    {
        using var host = await input.BuildHost().StartedForCommandAsync();
        var users = host.Services.GetRequiredService<UserAdministration>();
        try
        {
            switch (input.Action.ToLowerInvariant())
            {
                case "add":
                    var issued = await users.AddAsync(input.Name, input.RoleFlag.ToLowerInvariant());
                    Console.WriteLine($"Added {issued.UserName} ({issued.Role}). Their token, shown only this once:");
                    Console.WriteLine(issued.Token);
                    return true;
                case "revoke":
                    await users.RevokeAsync(input.Name);
                    Console.WriteLine($"Revoked {input.Name}: their token no longer works.");
                    return true;
                case "email":
                    var address = input.Address.Trim() is "" or "none" ? null : input.Address;
                    await users.SetEmailAsync(input.Name, address);
                    Console.WriteLine(address is null ? $"{input.Name} has no email address now: no digest is mailed to them."
                        : $"{input.Name}'s digest goes to {address.Trim()}.");
                    return true;
                case "list":
                    Console.WriteLine($"{"USER",-32} {"ROLE",-8} {"CREATED",-20} {"REVOKED",-17} EMAIL");
                    foreach (var u in await users.ListAsync())
                        Console.WriteLine($"{u.Id,-32} {u.Role,-8} {u.CreatedAt:yyyy-MM-dd HH:mm}Z    {u.RevokedAt?.ToString("yyyy-MM-dd HH:mm") ?? "",-17} {u.Email}");
                    return true;
                default:
                    Console.Error.WriteLine($"users: unknown action '{input.Action}'; use add, list, revoke or email.");
                    return false;
            }
        }
        catch (UserAdministrationException e)
        {
            Console.Error.WriteLine($"users {input.Action}: {e.Message}");
            return false;
        }
    }
}
