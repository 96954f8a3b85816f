using System.Globalization;

namespace Mpc.Net;

/// <summary>
/// A simulated link between two parties, for trying a federation on one machine before deploying it:
/// every message is delayed by <see cref="Latency"/> (one way, in each direction, as netem's delay on
/// both ends) and leaves no faster than <see cref="BitsPerSecond"/>. A protocol round costs at least one
/// latency; a round trip between hospitals of 20-100 ms is a latency of 10-50 ms.
/// </summary>
public sealed record NetworkModel(TimeSpan Latency, double BitsPerSecond)
{
    /// <summary>No delay and no cap: the loopback as it is.</summary>
    public static NetworkModel Unlimited { get; } = new(TimeSpan.Zero, double.PositiveInfinity);

    public bool IsUnlimited => Latency <= TimeSpan.Zero && double.IsPositiveInfinity(BitsPerSecond);

    /// <summary>"25ms", "0.5s" or "0" (milliseconds when no unit is given).</summary>
    public static TimeSpan ParseLatency(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = Split(text);
        double milliseconds = unit switch
        {
            "" or "ms" => number,
            "s" => number * 1000,
            "us" => number / 1000,
            _ => throw new FormatException(NetErrors.LatencyUnitMissing(text)),
        };
        if (!(milliseconds >= 0) || milliseconds > 60_000) throw new FormatException(NetErrors.LatencyOutOfRange(text));
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>"100mbit", "1gbit", "500kbit" or "unlimited" (bits per second when no unit is given).</summary>
    public static double ParseBandwidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("unlimited", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        var (number, unit) = Split(text);
        double bits = unit switch
        {
            "" or "bit" => number,
            "kbit" => number * 1e3,
            "mbit" => number * 1e6,
            "gbit" => number * 1e9,
            _ => throw new FormatException(NetErrors.BandwidthUnitMissing(text)),
        };
        if (!(bits >= 1000) || double.IsInfinity(bits)) throw new FormatException(NetErrors.BandwidthTooLow(text));
        return bits;
    }

    private static (double Number, string Unit) Split(string text)
    {
        string trimmed = text.Trim().ToLowerInvariant();
        int end = 0;
        while (end < trimmed.Length && (char.IsDigit(trimmed[end]) || trimmed[end] is '.' or 'e' or '+' or '-') && !(trimmed[end] == 'e' && end + 1 < trimmed.Length && char.IsLetter(trimmed[end + 1]))) end++;
        if (!double.TryParse(trimmed[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) throw new FormatException(NetErrors.NotANumber(text));
        return (number, trimmed[end..].Trim());
    }

    public override string ToString() =>
        IsUnlimited ? "unlimited" : FormattableString.Invariant($"{Latency.TotalMilliseconds:G4} ms, {(double.IsPositiveInfinity(BitsPerSecond) ? "unlimited" : $"{BitsPerSecond / 1e6:G4} Mbit/s")}");
}
