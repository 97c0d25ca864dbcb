// The suite starts its own PostgreSQL from the machine's binaries, as the product does: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
