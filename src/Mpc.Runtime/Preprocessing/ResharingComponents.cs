namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// This party's pseudo-random components for one multiplication by resharing with four or more parties: per component
/// of the <see cref="ReplicatedSharingPlan"/> (index), the values every holder draws from the component's key, null where
/// this party does not hold it. Multiplication.ResharingReplicated.cs turns additive shares into replicated ones with them.
/// </summary>
public sealed record ResharingComponents<T>(T[]?[] Components);
