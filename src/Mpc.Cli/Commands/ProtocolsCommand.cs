using System.CommandLine;
using Mpc.Federation.Protocols;

namespace Mpc.Cli.Commands;

internal static class ProtocolsCommand
{
    public static Command Create()
    {
        var command = new Command("protocols", "List the protocols, their parameters and what each reveals.");
        command.SetAction(_ =>
        {
            foreach (var protocol in ProtocolCatalog.BuiltIn.All)
            {
                Console.WriteLine($"{protocol.Name}  ({protocol.Id}; Z_2^{protocol.Format.RingBits}, f = {protocol.Format.FractionalBits})");
                Console.WriteLine($"  {protocol.Description}");
                foreach (var p in protocol.Parameters)
                    Console.WriteLine($"  --param {p.Name}=<{p.Type.ToString().ToLowerInvariant()}>{(p.IsRequired ? " (required)" : $" (default '{p.Default}')")}  {p.Description}");
                foreach (var o in protocol.Outputs)
                    Console.WriteLine($"  reveals {o.Name} ({o.Kind.ToString().ToLowerInvariant()}): {o.Description}");
                Console.WriteLine();
            }
            return 0;
        });
        return command;
    }
}
