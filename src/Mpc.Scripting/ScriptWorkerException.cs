using Mpc.Core;

namespace Mpc.Scripting;

/// <summary>
/// A session's script worker failed, crashed or was stopped by a limit: the session aborts on every
/// party, naming this one with the kind of failure (<see cref="DataProblemException.PublicMessage"/>);
/// the detail goes to the party's log. It counts as a data-dependent refusal, as a script can choose
/// to fail by the data.
/// </summary>
public sealed class ScriptWorkerException(string publicMessage, string detail, bool dependsOnValues = true)
    : DataProblemException(publicMessage, detail, dependsOnValues);
