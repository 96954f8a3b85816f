using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// A party's own cells or groups behind an exact output are too small for its disclosure limits: the
/// session stops before the party contributes. The public text names the output, the column and the
/// limit; which cell and its size go to the party's log only. It tells one bit about the data, so it
/// counts against the analyst's data refusals.
/// </summary>
public sealed class DisclosureRefusedException : DataProblemException
{
    public DisclosureRefusedException(string outputName, string publicMessage, string detail)
        : base(publicMessage, detail, dependsOnValues: true)
    {
        OutputName = outputName;
    }

    public string OutputName { get; }
}
