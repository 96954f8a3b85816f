using System.CommandLine;
using System.Globalization;
using Mpc.Net;

namespace Mpc.Cli.Commands;

internal static class KeygenCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The party's or analyst's roster name.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for NAME.key (private, mode 0600) and NAME.crt.", Required = true };
        var roster = new Option<string?>("--roster") { Description = "Also set NAME's publicKey in this roster file (with --rotate: start the rotation there)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing NAME.key and NAME.crt (the roster must then list the new key)." };
        var rotate = new Option<bool>("--rotate") { Description = "Rotate NAME's key: write the new one as NAME.next.key beside NAME.key (never over it); with --roster, the roster lists the new key and keeps the old one until --until." };
        var until = new Option<string?>("--until") { Description = "With --rotate --roster: when the old key stops being accepted (ISO 8601, UTC: 2027-01-31 or 2027-01-31T12:00:00Z)." };
        var command = new Command("keygen", "Create a key pair and self-signed certificate for a party or analyst; refuses to overwrite a key unless --force; --rotate makes the next key of a rotation.")
            { name, output, roster, force, rotate, until };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(output)!;
            string keyPath = Path.Combine(directory, parse.GetValue(name)! + ".key");
            bool rotating = parse.GetValue(rotate);
            DateTimeOffset? end = null;
            if (rotating)
            {
                if (parse.GetValue(force)) throw new CliException("--rotate and --force exclude each other: a rotation keeps the old key.");
                if (!File.Exists(keyPath)) throw new CliException(CliMessages.NothingToRotate(keyPath), ExitCode.Configuration);
                if (parse.GetValue(roster) is not null) end = ParseUntil(parse.GetValue(until));
            }
            else if (parse.GetValue(until) is not null) throw new CliException("--until belongs to --rotate.");
            else if (File.Exists(keyPath))
            {
                if (!parse.GetValue(force)) throw new CliException(CliMessages.KeyExists(keyPath), ExitCode.Refused);
                File.Delete(keyPath);
                File.Delete(Path.ChangeExtension(keyPath, ".crt"));
            }
            using var credentials = PartyCredentials.Generate(parse.GetValue(name)!);
            string fileName = rotating ? credentials.Name + ".next" : credentials.Name;
            if (rotating && File.Exists(Path.Combine(directory, fileName + ".key"))) throw new CliException(CliMessages.KeyExists(Path.Combine(directory, fileName + ".key")), ExitCode.Refused);
            var (certificate, key) = credentials.Save(directory, fileName);
            Console.WriteLine($"private key  {key} (owner-only; never share it)");
            Console.WriteLine($"certificate  {certificate}");
            Console.WriteLine($"publicKey    {credentials.Fingerprint}");
            if (parse.GetValue(roster) is { } rosterPath)
            {
                if (end is { } transition)
                {
                    Roster.RotateKey(rosterPath, credentials.Name, credentials.Fingerprint, transition);
                    Console.WriteLine($"updated {rosterPath}: {credentials.Name} now has this key; its old key is accepted until {transition.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
                }
                else
                {
                    Roster.SetPublicKey(rosterPath, credentials.Name, credentials.Fingerprint);
                    Console.WriteLine($"updated {rosterPath}: {credentials.Name} now has this key");
                }
            }
            if (rotating) Console.WriteLine(CliMessages.RotationSteps(credentials.Name, key, keyPath));
            return 0;
        });
        return command;
    }

    private static DateTimeOffset ParseUntil(string? text)
    {
        if (text is null) throw new CliException("--rotate --roster needs --until: when the old key stops being accepted.");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end))
            throw new CliException($"--until '{text}' is not an ISO 8601 date or time (2027-01-31 or 2027-01-31T12:00:00Z).");
        if (end <= DateTimeOffset.UtcNow) throw new CliException($"--until {text} has passed; the transition must end in the future.");
        return end;
    }
}
