// The Spark Connect client is built only with the `Spark` package trait
// (`swift build --traits Spark`); without it this module is empty.
