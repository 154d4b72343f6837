#:project ../src/FastRobust/FastRobust.csproj
// The table and figure of a `tradeoff` study (docs/robust-training.md): clean and robust accuracy of every model
// against the test ε, as markdown on stdout and as an SVG line chart (one line per model).
//   dotnet run bench/tradeoff_table.cs -- STUDY_DIR OUT.svg
using System.Globalization;
using System.Text;
using FastRobust.Tables;

string dir = args[0], svgPath = args[1];
var models = Table.Read(Path.Combine(dir, "models.parquet"));
var evals = Table.Read(Path.Combine(dir, "evaluations.parquet"));
var ids = models.Strings("model");
var method = models.Strings("adversarial");
var eps = (double?[])models.Column("train_eps");
var sigma = (double?[])models.Column("noise_sigma");
string Label(int i) => sigma[i] > 0 ? $"noise σ {F(sigma[i]!.Value)}" : method[i] == "none" ? "standard" : $"{method[i]} ε {F(eps[i]!.Value)}";
static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

var eModel = evals.Strings("model");
var eKind = evals.Strings("kind");
var eCond = evals.Strings("condition");
var eLevel = (double?[])evals.Column("level");
var eAcc = evals.Doubles("accuracy");
var attackLevels = Enumerable.Range(0, evals.Rows).Where(r => eKind[r] == "attack").Select(r => eLevel[r]!.Value).Distinct().Order().ToList();
var noiseLevels = Enumerable.Range(0, evals.Rows).Where(r => eKind[r] == "noise").Select(r => eLevel[r]!.Value).Distinct().Order().ToList();
string attack = Enumerable.Range(0, evals.Rows).Where(r => eKind[r] == "attack").Select(r => eCond[r]).FirstOrDefault() ?? "attack";
double Acc(string id, string kind, double? level) =>
    Enumerable.Range(0, evals.Rows).Where(r => eModel[r] == id && eKind[r] == kind && (level is null || eLevel[r] == level)).Select(r => eAcc[r]).First();

var order = Enumerable.Range(0, ids.Length).OrderBy(i => sigma[i] > 0 ? 1 : 0).ThenBy(i => eps[i] ?? 0).ThenBy(i => sigma[i] ?? 0).ToList();
var md = new StringBuilder();
md.Append("| model | clean |").Append(string.Concat(attackLevels.Select(l => $" {attack} ε {F(l)} |"))).Append(string.Concat(noiseLevels.Select(l => $" noise σ {F(l)} |"))).AppendLine();
md.Append("|---|---:|").Append(string.Concat(attackLevels.Concat(noiseLevels).Select(_ => "---:|"))).AppendLine();
foreach (int i in order)
{
    md.Append($"| {Label(i)} | {Acc(ids[i]!, "clean", null):P1} |");
    foreach (var l in attackLevels) md.Append($" {Acc(ids[i]!, "attack", l):P1} |");
    foreach (var l in noiseLevels) md.Append($" {Acc(ids[i]!, "noise", l):P1} |");
    md.AppendLine();
}
Console.Write(md.ToString().Replace("\u00a0", " "));

// the chart: accuracy against test ε (0 = clean), one polyline per model
const int W = 640, H = 400, L = 60, R = 170, T = 40, B = 50;
double xMax = attackLevels.DefaultIfEmpty(1).Max();
double X(double v) => L + v / xMax * (W - L - R);
double Y(double a) => T + (1 - a) * (H - T - B);
string[] colours = ["#000000", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
var svg = new StringBuilder();
string S(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">");
svg.AppendLine($"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
svg.AppendLine($"<text x=\"{W / 2 - 60}\" y=\"22\" font-size=\"15\">Accuracy under {attack} against test ε</text>");
for (int k = 0; k <= 4; k++)
{
    double a = k / 4.0;
    svg.AppendLine($"<line x1=\"{L}\" y1=\"{S(Y(a))}\" x2=\"{W - R}\" y2=\"{S(Y(a))}\" stroke=\"#ddd\"/><text x=\"{L - 40}\" y=\"{S(Y(a) + 4)}\">{a:P0}</text>".Replace("\u00a0", " "));
}
foreach (var l in attackLevels.Prepend(0))
    svg.AppendLine($"<text x=\"{S(X(l) - 10)}\" y=\"{H - B + 18}\">{F(l)}</text>");
svg.AppendLine($"<text x=\"{(W - R) / 2}\" y=\"{H - 12}\">test ε (0: clean)</text>");
svg.AppendLine($"<line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"black\"/><line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"black\"/>");
int c = 0;
foreach (int i in order)
{
    string colour = colours[c % colours.Length];
    string dash = sigma[i] > 0 ? " stroke-dasharray=\"5,3\"" : "";
    var pts = attackLevels.Select(l => (l, Acc(ids[i]!, "attack", l))).Prepend((0.0, Acc(ids[i]!, "clean", null)));
    svg.AppendLine($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{string.Join(" ", pts.Select(p => $"{S(X(p.Item1))},{S(Y(p.Item2))}"))}\"/>");
    svg.AppendLine($"<line x1=\"{W - R + 10}\" y1=\"{T + 18 * c}\" x2=\"{W - R + 30}\" y2=\"{T + 18 * c}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/><text x=\"{W - R + 35}\" y=\"{T + 18 * c + 4}\">{Label(i)}</text>");
    c++;
}
svg.AppendLine("</svg>");
File.WriteAllText(svgPath, svg.ToString());
