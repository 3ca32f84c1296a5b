import KamSource
