namespace FunctionPackage.Benchmarks.Sdk;

/// <summary>
/// A copy of samples/Inventory (the largest sample) in its own root under the work directory: the samples'
/// Directory.Packages.props and global.json, plus our own Directory.Build.props, NuGet.config and packages folder.
/// </summary>
public sealed class InventoryWorkspace
{
    public const string ProjectRelativePath = "Inventory/Inventory.csproj";

    private readonly DotnetRunner _runner;
    private bool _ready;

    public InventoryWorkspace(string repo, string work, DotnetRunner runner)
    {
        Repo = repo;
        Root = Path.Combine(work, "inventory");
        _runner = runner;
    }

    public string Repo { get; }
    public string Root { get; }
    public string ProjectDirectory => Path.Combine(Root, "Inventory");
    public string PublishDirectory => Path.Combine(ProjectDirectory, "bin", "Release", "net10.0", "publish");
    public string IntermediateAssembly => Path.Combine(ProjectDirectory, "obj", "Release", "net10.0", "Inventory.dll");
    public string ReferencePackage => Path.Combine(ProjectDirectory, "bin", "Release", "functionpackage", "Inventory.1.0.0.nupkg");

    /// <summary>Copies the sample and restores it once (restore is not measured).</summary>
    public void EnsureReady()
    {
        if (_ready) return;
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Workspace.CopyProject(Path.Combine(Repo, "samples", "Inventory"), ProjectDirectory);
        File.Copy(Path.Combine(Repo, "samples", "Directory.Packages.props"), Path.Combine(Root, "Directory.Packages.props"));
        File.Copy(Path.Combine(Repo, "global.json"), Path.Combine(Root, "global.json"));
        Workspace.WriteBuildProps(Root, Path.Combine(Repo, "build", "FunctionPackage.Version.props"), Path.Combine(Root, "packages"));
        Workspace.WriteNuGetConfig(Root, Path.Combine(Repo, "artifacts", "feed"));
        Console.WriteLine($"==> Restoring a copy of samples/Inventory in {Root}");
        _runner.Run(Root, new[] { "restore", ProjectRelativePath, "-nologo" });
        _ready = true;
    }
}
