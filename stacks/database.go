package stacks

// Database is the `database` config object.
type Database struct{}

func defaultDatabase(prod bool) Database { return Database{} }

func validateDatabase(c *Config, p *problems) {}

// Port is the port the configured engine listens on.
func (d Database) Port() int { return 5432 }
