using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Npgsql;

namespace Tracker.Infrastructure;

/// <summary>
/// Where the keys that protect workbench cookies and antiforgery tokens live: in the database (migration 0009), so
/// that all instances serving one database share them and they outlive a process, a home folder or a container.
/// By default they went to ~/.aspnet/DataProtection-Keys, one set per machine and user, and every start logged a
/// warning about it.
/// </summary>
public static class DataProtectionKeys
{
    public static IServiceCollection AddTrackerDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Tracker");
        services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>((o, dataSource) =>
        {
            o.XmlRepository = new PostgresKeyRepository(dataSource);
            // Stated, not defaulted: the keys are stored as they are, guarded by the database's own access control
            // (as the API tokens' hashes are). Encrypting them would need a secret kept outside the database.
            o.XmlEncryptor = new NullXmlEncryptor();
        });
        return services;
    }

    private sealed class PostgresKeyRepository(NpgsqlDataSource dataSource) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var command = dataSource.CreateCommand("select xml from tracker.data_protection_keys order by id");
            using var reader = command.ExecuteReader();
            var keys = new List<XElement>();
            while (reader.Read()) keys.Add(XElement.Parse(reader.GetString(0)));
            return keys;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var command = dataSource.CreateCommand(
                "insert into tracker.data_protection_keys (friendly_name, xml) values ($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
            command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
            command.ExecuteNonQuery();
        }
    }
}
