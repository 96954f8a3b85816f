using System.CommandLine;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>`mpc describe` (what a protocol takes and reveals) and `mpc approve` (its hash, for a party's policy).</summary>
internal static class DescribeCommand
{
    public static Command CreateDescribe()
    {
        var protocol = new Argument<string>("protocol") { Description = "A protocol script (.csx) or built-in protocol name." };
        var command = new Command("describe", "Print a protocol's parameters (name, type, default, description) and declared outputs.") { protocol };
        command.SetAction(parse =>
        {
            Print(ProtocolReference.Resolve(parse.GetValue(protocol)!).Protocol, Console.Out);
            return 0;
        });
        return command;
    }

    public static Command CreateApprove()
    {
        var protocol = new Argument<string>("protocol") { Description = "The protocol script (.csx) a hospital's reviewer is asked to approve." };
        var command = new Command("approve", "Print a protocol's id (content hash) and what it would reveal, for adding to a party's \"protocols\" policy.") { protocol };
        command.SetAction(parse =>
        {
            var reference = ProtocolReference.Resolve(parse.GetValue(protocol)!);
            var definition = reference.Protocol;
            Console.WriteLine($"Protocol {definition.Name}: {definition.Description}");
            Console.WriteLine();
            Console.WriteLine("If approved, a session of this protocol reveals to the analyst, and to no party:");
            foreach (var output in definition.Outputs)
                Console.WriteLine($"  {output.Name,-22} {Kind(output.Kind),-26} {output.Description}");
            Console.WriteLine();
            Console.WriteLine("The analyst chooses these parameters:");
            foreach (var p in definition.Parameters)
                Console.WriteLine($"  {p.Name,-22} {p.Type.ToString().ToLowerInvariant(),-12} {(p.IsRequired ? "required" : $"default '{p.Default}'"),-24} {p.Description}");
            if (definition is ScriptProtocol { Stages.Count: > 0 } script)
            {
                Console.WriteLine();
                Console.WriteLine($"While it runs, it reports progress to the analyst as one of these stages and a fraction: {string.Join(", ", script.Stages)}.");
            }
            Console.WriteLine();
            Console.WriteLine("To approve it, add this id to the \"protocols\" list of the party's configuration:");
            Console.WriteLine($"  \"{definition.Id}\"");
            if (reference.ScriptSource is not null) Console.WriteLine("Any change to the script changes its id; a changed script is refused until approved again.");
            return 0;
        });
        return command;
    }

    private static void Print(IProtocolDefinition definition, TextWriter output)
    {
        output.WriteLine($"{definition.Name}  ({definition.Id}; Z_2^{definition.Format.RingBits}, f = {definition.Format.FractionalBits})");
        output.WriteLine($"  {definition.Description}");
        output.WriteLine("parameters:");
        foreach (var p in definition.Parameters)
            output.WriteLine($"  --param {p.Name}=<{p.Type.ToString().ToLowerInvariant()}>{(p.IsRequired ? " (required)" : $" (default '{p.Default}')")}  {p.Description}");
        output.WriteLine("outputs:");
        foreach (var o in definition.Outputs) output.WriteLine($"  {o.Name} ({Kind(o.Kind)}): {o.Description}");
        if (definition is ScriptProtocol { Stages.Count: > 0 } script) output.WriteLine($"progress stages: {string.Join(", ", script.Stages)}");
    }

    /// <summary>What an output of this kind reveals and to whom, as describe, approve and the protocol tables say it.</summary>
    internal static string Kind(OutputKind kind) => kind switch
    {
        OutputKind.Exact => "exact",
        OutputKind.DifferentiallyPrivate => "differentially private",
        OutputKind.DifferentiallyPrivateIntermediate => "differentially private, released to the parties as computed",
        OutputKind.ExactIntermediate => "EXACT, opened to every party as computed (only where every party's policy allows exact intermediates)",
        OutputKind.DataCheck => "data check, one bit per element opened to every party before the computation",
        OutputKind.Counts => "exact counts, each party's cells 0 or at least its minimum cell count",
        _ => "derived in the clear",
    };
}
