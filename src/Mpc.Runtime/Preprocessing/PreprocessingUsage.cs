namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// One kind of preprocessing item of one party's engine: items made (started batches), items handed to the protocol, and the
/// bytes this party sent to make them. Produced minus taken is what was made and never used.
/// </summary>
public sealed record PreprocessingUsage(string Item, long Produced, long Taken, long BytesSent);
