using System.Text;
using FunctionPackage.Cli.Tests.Fixtures;
using FunctionPackage.Shared;

namespace FunctionPackage.Cli.Tests.Installing;

/// <summary>The one write-then-move helper: what is left on disk after success, no change, failure and a clash.</summary>
public sealed class AtomicFileSystemTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string[] Entries(string folder) => Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void A_file_is_replaced_whole_and_no_temp_file_stays()
    {
        var path = _temp.Combine("out", "package.nupkg");

        Assert.True(AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes("one"))));
        Assert.True(AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes("two"))));

        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal(new[] { "package.nupkg" }, Entries(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void An_unchanged_file_is_not_touched()
    {
        var path = _temp.Combine("package.nupkg");
        File.WriteAllText(path, "same");
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        var written = AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes("same")), isUnchanged: temp => File.ReadAllText(temp) == File.ReadAllText(path));

        Assert.False(written);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Equal(new[] { "package.nupkg" }, Entries(_temp.Path));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temp_file()
    {
        var path = _temp.Combine("package.nupkg");
        File.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(Encoding.UTF8.GetBytes("half"));
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { "package.nupkg" }, Entries(_temp.Path));
    }

    [Fact]
    public void A_staged_folder_becomes_the_target_and_an_abandoned_one_is_deleted()
    {
        var target = _temp.Combine("functions", "hello", "1.0.0");
        using (var staged = StagedFolder.Create(target, _temp.Folder("staging")))
        {
            File.WriteAllText(Path.Combine(staged.Path, "install.json"), "{}");
            Assert.False(Directory.Exists(target), "nothing at the target before the commit");
            Assert.True(staged.Commit(whenTargetExists: () => throw new InvalidOperationException("no clash expected")));
        }
        Assert.True(File.Exists(Path.Combine(target, "install.json")));

        using (var abandoned = StagedFolder.Create(_temp.Combine("other")))
        {
            File.WriteAllText(Path.Combine(abandoned.Path, "half"), "x");
        }
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("staging")));
        Assert.Equal(new[] { "functions", "staging" }, Entries(_temp.Path));
    }

    [Theory]
    [InlineData(true)]  // a concurrent writer's copy is kept, ours discarded
    [InlineData(false)] // the callback removed it (half-written), ours replaces it
    public void A_clash_at_the_target_is_decided_by_the_caller(bool keepExisting)
    {
        var target = _temp.Folder("dep.a");
        File.WriteAllText(Path.Combine(target, "theirs"), "x");
        var asked = 0;

        bool committed;
        using (var staged = StagedFolder.Create(target, _temp.Folder("staging")))
        {
            File.WriteAllText(Path.Combine(staged.Path, "ours"), "y");
            committed = staged.Commit(whenTargetExists: () =>
            {
                asked++;
                if (!keepExisting) Directory.Delete(target, recursive: true);
                return keepExisting;
            });
        }

        Assert.Equal(1, asked);
        Assert.Equal(!keepExisting, committed);
        Assert.Equal(keepExisting ? new[] { "theirs" } : new[] { "ours" }, Entries(target));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("staging")));
    }
}
