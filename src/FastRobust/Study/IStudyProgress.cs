namespace FastRobust.Study;

/// <summary>What a study reports as it runs: the study (units), the unit (stages) and the current stage.</summary>
public interface IStudyProgress
{
    void StudyStarted(int units, int alreadyDone);
    void UnitStarted(WorkUnit unit, int stages);
    /// <summary>A new stage of the current unit (e.g. "train", "pgd 0.031", "measures").</summary>
    void Stage(string name);
    /// <summary>Progress inside the current stage, as a fraction.</summary>
    void StageProgress(double fraction);
    void UnitFinished(WorkUnit unit, TimeSpan elapsed, bool skipped);
    void Message(string line);
}

/// <summary>Reports nothing (tests, library use).</summary>
public sealed class SilentStudyProgress : IStudyProgress
{
    public void StudyStarted(int units, int alreadyDone) { }
    public void UnitStarted(WorkUnit unit, int stages) { }
    public void Stage(string name) { }
    public void StageProgress(double fraction) { }
    public void UnitFinished(WorkUnit unit, TimeSpan elapsed, bool skipped) { }
    public void Message(string line) { }
}
