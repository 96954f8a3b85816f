namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Preprocessing made by interaction (OT) that a protocol can start ahead of its requests: it declares how many items it will
/// ask for next, and the engine makes exactly those while the protocol works, instead of making each batch when it is asked
/// for (a round trip more per request) or guessing ahead (items made and never used). Every party forecasts at the same
/// point of its program with the same counts; a forecast larger than what follows is made anyway, so it must not exceed it.
/// </summary>
public interface IPreprocessingForecast
{
    /// <summary>Starts making <paramref name="triples"/> Beaver triples, <paramref name="binaryWords"/> words of AND triples and <paramref name="daBits"/> daBits beyond those not yet taken.</summary>
    void Forecast(int triples, int binaryWords, int daBits);
}
