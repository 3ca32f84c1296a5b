import KamCLI

#if canImport(Glibc)
import Glibc
#endif

exit(KamCLI.run(Array(CommandLine.arguments.dropFirst()), console: .standard()))
