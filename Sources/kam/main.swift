import KamCLI
