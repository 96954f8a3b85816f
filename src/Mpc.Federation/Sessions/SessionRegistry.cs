using System.Collections.Concurrent;

namespace Mpc.Federation.Sessions;

/// <summary>The admitted sessions of a daemon by id, each as the peer mesh its peers' connections are handed to.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<Guid, PeerMesh> _sessions = new();

    public int Count => _sessions.Count;

    public bool IsEmpty => _sessions.IsEmpty;

    public bool TryAdd(PeerMesh mesh) => _sessions.TryAdd(mesh.SessionId, mesh);

    public void Remove(PeerMesh mesh) => _sessions.TryRemove(mesh.SessionId, out _);

    public bool TryGet(Guid session, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerMesh? mesh) => _sessions.TryGetValue(session, out mesh);
}
