using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Federation.Sessions;

/// <summary>Which preprocessing engines a party's policy lets a session use.</summary>
internal static class PreprocessingPolicy
{
    /// <summary>Why this party refuses the requested engine (null: allowed, with its mode).</summary>
    public static string? Refusal(string requested, PartyConfiguration configuration, int partyCount, string self, out PreprocessingMode mode)
    {
        if (!PreprocessingEngines.TryParse(requested, out mode))
            return $"preprocessing '{requested}' is not available (this version offers 'ot', 'replicated' for 3 to 7 parties and 'shamir' for 8 or more with an honest majority, and 'dealer' for tests)";
        return mode switch
        {
            PreprocessingMode.Replicated when !configuration.AllowHonestMajority => ErrorMessages.HonestMajorityNotAllowed(self),
            PreprocessingMode.Replicated when partyCount < 3 || partyCount > ReplicatedSharingPlan.MaxParties =>
                ErrorMessages.HonestMajorityPartyCount(partyCount, ReplicatedSharingPlan.MaxParties),
            PreprocessingMode.Shamir when !configuration.AllowHonestMajority => ErrorMessages.HonestMajorityNotAllowed(self),
            PreprocessingMode.Shamir when partyCount < ShamirPreprocessing<ulong>.MinParties || partyCount > ShamirPreprocessing<ulong>.MaxParties =>
                ErrorMessages.ShamirPartyCount(partyCount, ShamirPreprocessing<ulong>.MinParties, ShamirPreprocessing<ulong>.MaxParties),
            PreprocessingMode.Dealer when !configuration.AllowTrustedDealer =>
                $"{self} does not accept trusted-dealer preprocessing (party 1 would see every mask); use 'ot', or set allowTrustedDealer in a test configuration",
            _ => null,
        };
    }
}
