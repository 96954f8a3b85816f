using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Mpc.Net;

namespace Mpc.Cli.Commands;

/// <summary>
/// 'mpc roster add/remove': edits a roster file (names, endpoints, public keys; never a secret). The result is checked
/// as a daemon would load it before the file is written, so an edit cannot leave an invalid roster.
/// </summary>
internal static class RosterCommand
{
    public static Command Create()
    {
        var command = new Command("roster", "Edit the federation's roster: add or remove a party or analyst (public keys only; the roster holds no secret).") { Add(), Remove() };
        return command;
    }

    private static Command Add()
    {
        var roster = RosterOption();
        var name = NameOption();
        var endpoint = new Option<string?>("--endpoint") { Description = "A party's host:port (the name other parties dial); without it the member is an analyst." };
        var publicKey = new Option<string?>("--public-key") { Description = "The member's key fingerprint (sha256:..., as 'mpc keygen' prints it)." };
        var certificate = new Option<string?>("--certificate") { Description = "The member's certificate (NAME.crt), whose key fingerprint is pinned; never its private key." };
        var command = new Command("add", "Add a party (--endpoint) or an analyst to a roster file, pinning its public key (--public-key or --certificate).") { roster, name, endpoint, publicKey, certificate };
        command.SetAction(parse =>
        {
            string fingerprint = (parse.GetValue(publicKey), parse.GetValue(certificate)) switch
            {
                ({ } key, null) => key,
                (null, { } file) => Fingerprint(file),
                _ => throw new CliException("give the member's key as one of --public-key or --certificate."),
            };
            var result = Roster.AddMember(parse.GetValue(roster)!, parse.GetValue(name)!, parse.GetValue(endpoint), fingerprint);
            Console.WriteLine(CliMessages.RosterEdited(result.Source, $"added {(parse.GetValue(endpoint) is { } at ? $"party {parse.GetValue(name)} at {at}" : $"analyst {parse.GetValue(name)}")} with key {fingerprint}", result));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var roster = RosterOption();
        var name = NameOption();
        var command = new Command("remove", "Remove a party or analyst from a roster file.") { roster, name };
        command.SetAction(parse =>
        {
            var result = Roster.RemoveMember(parse.GetValue(roster)!, parse.GetValue(name)!);
            Console.WriteLine(CliMessages.RosterEdited(result.Source, $"removed {parse.GetValue(name)}", result));
            return ExitCode.Ok;
        });
        return command;
    }

    private static Option<string> RosterOption() => new("--roster") { Description = "The roster file to edit (parties.json).", Required = true };

    private static Option<string> NameOption() => new("--name") { Description = "The party's or analyst's name.", Required = true };

    // A certificate file is read for its public key only; a file holding a private key is refused unread, whatever its name.
    private static string Fingerprint(string path)
    {
        if (!File.Exists(path)) throw new CliException(CliMessages.CertificateMissing(path), ExitCode.Configuration);
        string text = File.ReadAllText(path);
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal)) throw new CliException(CliMessages.PrivateKeyGiven(path), ExitCode.Configuration);
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(text);
            return KeyFingerprint.Of(certificate);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new CliException(CliMessages.CertificateMissing(path), ExitCode.Configuration);
        }
    }
}
