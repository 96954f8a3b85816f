using Mpc.Runtime;

namespace Mpc.Scripting;

/// <summary>A session's script worker failed, crashed or was stopped by a limit: the session aborts on every party, naming this one.</summary>
public sealed class ScriptWorkerException(string message, string partyName) : ProtocolAbortedException(message, partyName);
