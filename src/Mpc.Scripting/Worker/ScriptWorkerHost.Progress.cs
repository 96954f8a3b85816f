namespace Mpc.Scripting.Worker;

// The worker's progress reports, filtered before they reach the analyst.
internal sealed partial class ScriptWorkerHost
{
    /// <summary>
    /// Progress the analyst sees. A number the script chose could carry its data, so a script's own
    /// stage reports only that the stage was reached: stages go forward in the declared order, each
    /// once (skipped ones are reported with it), and the fraction shown is the stage's place among
    /// them. The libraries' stages (framework code counting iterations) show whole tenths, forward only.
    /// </summary>
    private void Progress(string stage, double fraction)
    {
        int declared = IndexOf(_declaredStages, stage);
        if (declared >= 0)
        {
            for (int k = _lastDeclared + 1; k <= declared; k++) _context.ReportProgress(_declaredStages[k], (k + 1.0) / _declaredStages.Count);
            _lastDeclared = Math.Max(_lastDeclared, declared);
            return;
        }
        if (!_stages.Contains(stage)) return;
        int tenths = double.IsFinite(fraction) ? (int)Math.Clamp(Math.Floor(fraction * 10), 0, 10) : 0;
        if (stage == _lastStage && tenths <= _lastTenths) return;
        if (++_libraryMessages > MaxLibraryProgressMessages) return;
        _lastStage = stage;
        _lastTenths = tenths;
        _context.ReportProgress(stage, tenths / 10.0);
    }

    private static int IndexOf(IReadOnlyList<string> stages, string stage)
    {
        for (int k = 0; k < stages.Count; k++) if (string.Equals(stages[k], stage, StringComparison.Ordinal)) return k;
        return -1;
    }
}
