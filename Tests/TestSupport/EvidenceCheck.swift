import Foundation

/// The independent judge of an evidence package: Python's `zipfile` and `hashlib`.
public enum EvidenceCheck {
    /// The project's Python (tools/setup's venv).
    public static let python = MediaCorpus.packageRoot.appendingPathComponent(".build/python/bin/python").path

    /// `python -c script ZIP DIRECTORY`: unzips ZIP into DIRECTORY, checks every file against the manifest's SHA-256
    /// and size, and that the manifest lists every other file; prints the exporter, then the files, one per line.
    public static let script = """
        import hashlib, json, sys, zipfile
        archive = zipfile.ZipFile(sys.argv[1])
        assert archive.testzip() is None, "a damaged entry"
        archive.extractall(sys.argv[2])
        manifest = json.loads(archive.read("manifest.json"))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        names = set(archive.namelist()) - {"manifest.json"}
        assert names == set(listed), f"zip {sorted(names)} against manifest {sorted(listed)}"
        for name, entry in listed.items():
            data = archive.read(name)
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{name}: hash differs"
            assert len(data) == entry["bytes"], f"{name}: size differs"
        print(manifest["exportedBy"], *sorted(listed), sep="\\n")
        """
}
