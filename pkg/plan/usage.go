package plan

import "flag"

// HoursPerMonth is the month AWS prices hourly resources by (365 x 24 / 12).
const HoursPerMonth = 730.0

// Usage holds the assumptions behind usage-based prices. Every field has a flag of `plan`.
type Usage struct {
	CloudFrontGB     float64 // --gb-out
	RequestsMillions float64 // --requests
	AlbLCU           float64 // --alb-lcu
	NatGB            float64 // --nat-gb
	LogGB            float64 // --log-gb
	DBStorageGB      float64 // --db-storage-gb
	DBIOMillions     float64 // --db-io-millions
	BackupGB         float64 // --backup-gb
}

// DefaultUsage is a small production application; the flags override each value.
func DefaultUsage() Usage {
	return Usage{
		CloudFrontGB: 100, RequestsMillions: 10, AlbLCU: 1, NatGB: 10,
		LogGB: 1, DBStorageGB: 50, DBIOMillions: 10, BackupGB: 50,
	}
}

type usageFlag struct {
	name, unit, meaning string
	field               func(*Usage) *float64
}

var usageFlags = []usageFlag{
	{"gb-out", "GB/month", "CloudFront data transfer out to viewers", func(u *Usage) *float64 { return &u.CloudFrontGB }},
	{"requests", "million/month", "requests to CloudFront (and through each WebACL)", func(u *Usage) *float64 { return &u.RequestsMillions }},
	{"alb-lcu", "LCU", "average load balancer capacity units per ALB in the primary region (standby ALBs: 0)", func(u *Usage) *float64 { return &u.AlbLCU }},
	{"nat-gb", "GB/month", "data processed per NAT gateway", func(u *Usage) *float64 { return &u.NatGB }},
	{"log-gb", "GB/month", "ingested per CloudWatch log group (stored for its retention)", func(u *Usage) *float64 { return &u.LogGB }},
	{"db-storage-gb", "GB", "Aurora storage per cluster (each region stores a copy)", func(u *Usage) *float64 { return &u.DBStorageGB }},
	{"db-io-millions", "million/month", "Aurora I/O requests per cluster", func(u *Usage) *float64 { return &u.DBIOMillions }},
	{"backup-gb", "GB", "AWS Backup storage per vault", func(u *Usage) *float64 { return &u.BackupGB }},
}

// register adds one flag per assumption to fs, writing into u.
func (u *Usage) register(fs *flag.FlagSet) {
	for _, f := range usageFlags {
		p := f.field(u)
		fs.Float64Var(p, f.name, *p, f.meaning+" ("+f.unit+")")
	}
}

// assumptions lists the values in flag order.
func (u Usage) assumptions() []Assumption {
	out := make([]Assumption, 0, len(usageFlags))
	for _, f := range usageFlags {
		out = append(out, Assumption{Flag: "--" + f.name, Value: *f.field(&u), Unit: f.unit, Meaning: f.meaning})
	}
	return out
}

// validate returns the first flag with a negative value.
func (u Usage) validate() (string, bool) {
	for _, f := range usageFlags {
		if *f.field(&u) < 0 {
			return f.name, false
		}
	}
	return "", true
}
