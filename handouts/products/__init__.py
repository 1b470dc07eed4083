"""One module per product: a request becomes a target (inputs, options, output paths) and
its bytes. The single commands and `build` plan their targets here alike."""
