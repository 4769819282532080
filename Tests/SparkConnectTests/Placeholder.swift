// Spark Connect tests are built only with the `Spark` package trait.
