namespace FastRobust.Study.Reporting;

/// <summary>A figure of the report page: the section it belongs to, its PNG's file name and what it shows.</summary>
public sealed record ReportFigure(string Section, string File, string Title, string Caption);
