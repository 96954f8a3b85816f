using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mpc.Core;
using Mpc.Net;

namespace Mpc.Federation;

/// <summary>
/// Where a party listens: its configuration's <c>listen</c> address (IP literal, optional port), else its
/// roster endpoint, whose host may be a name (resolved here) since peers dial it by that name.
/// </summary>
public static class ListenAddress
{
    /// <summary>Parses "ADDRESS", "ADDRESS:PORT" or "[IPv6]:PORT"; the port is null when not given.</summary>
    public static bool TryParse(string text, out IPAddress address, out int? port)
    {
        ArgumentNullException.ThrowIfNull(text);
        port = null;
        if (IPAddress.TryParse(text.Trim('[', ']'), out address!)) return true;
        int colon = text.LastIndexOf(':');
        if (colon > 0 && IPAddress.TryParse(text[..colon].Trim('[', ']'), out address!)
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535)
        {
            port = p;
            return true;
        }
        address = IPAddress.None;
        return false;
    }

    /// <summary>The endpoint this party binds: the configured listen address, or its roster endpoint's host resolved.</summary>
    public static IPEndPoint Resolve(PartyConfiguration configuration, RosterMember self)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(self);
        if (configuration.Listen is { } listen)
        {
            if (!TryParse(listen, out var address, out int? port)) throw new PartyConfigurationException(ErrorMessages.ListenMalformed(listen));
            return new IPEndPoint(address, port ?? self.Port);
        }
        string host = self.Host!;
        if (IPAddress.TryParse(host, out var literal)) return new IPEndPoint(literal, self.Port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, self.Port);
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new PartyConfigurationException(ErrorMessages.EndpointUnresolvable(self.Name, host), e);
        }
        // IPv4 first: a name with both families is usually dialled over IPv4 by the peers.
        var chosen = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new PartyConfigurationException(ErrorMessages.EndpointUnresolvable(self.Name, host));
        return new IPEndPoint(chosen, self.Port);
    }

    /// <summary>Binds the listener, turning a port in use or a foreign address into a configuration error naming the port.</summary>
    public static void Start(TcpListener listener, string party)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            string address = endpoint.Address.ToString();
            throw new PartyConfigurationException(e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => ErrorMessages.PortInUse(party, address, endpoint.Port),
                SocketError.AddressNotAvailable => ErrorMessages.ListenAddressNotLocal(party, address, endpoint.Port),
                _ => ErrorMessages.ListenFailed(party, address, endpoint.Port, e.Message),
            }, e);
        }
    }
}
