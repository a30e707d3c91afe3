package stacks

// Drills is the `drills` config object: AWS Fault Injection Service experiment templates for the
// instance, Availability Zone and region drills (`go run . drill`), in both regions. Templates cost
// nothing until an experiment runs; an experiment really terminates, stops and cuts off resources.
type Drills struct {
	// Enabled creates the experiment templates, their roles and their log groups. Default true for
	// staging, false for prod: a team turns prod drills on deliberately, for a game day.
	Enabled bool `json:"enabled"`
	// InstancePercent is the share of the application instances the instance drill terminates.
	InstancePercent int `json:"instancePercent"`
	// DurationMinutes bounds the AZ and region drills: how long instances stay stopped and subnets
	// stay cut off before AWS FIS restores them.
	DurationMinutes int `json:"durationMinutes"`
}

// FIS accepts action durations from one minute to 12 hours (AWS FIS actions reference).
const (
	MinDrillMinutes = 1
	MaxDrillMinutes = 12 * 60
)

func defaultDrills(prod bool) Drills {
	return Drills{Enabled: !prod, InstancePercent: 50, DurationMinutes: 10}
}

func validateDrills(c *Config, p *problems) {
	d := c.Drills
	if d.InstancePercent < 1 || d.InstancePercent > 100 {
		p.addf("drills.instancePercent", "is %d; allowed: 1 to 100 (percent of the application instances, FIS selection mode PERCENT(n))", d.InstancePercent)
	}
	if d.DurationMinutes < MinDrillMinutes || d.DurationMinutes > MaxDrillMinutes {
		p.addf("drills.durationMinutes", "is %d; allowed: %d to %d minutes (AWS FIS action durations run from one minute to 12 hours)", d.DurationMinutes, MinDrillMinutes, MaxDrillMinutes)
	}
}
