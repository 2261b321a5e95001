"""Evidence bundles: a signed archive of a run (write), its signature envelope (dsse), and offline verify."""
