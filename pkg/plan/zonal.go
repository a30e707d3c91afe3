package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// ZonalRegion is one region's zonal shift and autoshift, read from what the program registers.
type ZonalRegion struct {
	Region string `json:"region"`
	// ZonalShift says the region's load balancer allows zonal shift (enableZonalShift).
	ZonalShift bool `json:"zonalShift"`
	// Autoshift says an enabled zonal autoshift configuration (with practice runs) exists.
	Autoshift      bool     `json:"autoshift"`
	OutcomeAlarm   string   `json:"outcomeAlarm,omitempty"`
	BlockingAlarm  string   `json:"blockingAlarm,omitempty"`
	BlockedWindows []string `json:"blockedWindows"`
	// AzCount, MinimumInstances and LeftAfterShift are the capacity the region keeps serving when
	// one zone's traffic is shifted away (stacks.ZonalCapacity).
	AzCount          int `json:"azCount"`
	MinimumInstances int `json:"minimumInstances"`
	LeftAfterShift   int `json:"leftAfterShift"`
	// MonthlyUsd is what zonal shift and autoshift cost: nothing (ARC charges for neither); the
	// practice runs' three alarms are priced with the other CloudWatch alarms.
	MonthlyUsd float64 `json:"monthlyUsd"`
}

// zonalOf lists each application region's zonal configuration.
func zonalOf(g *graph, cfg *stacks.Config) []ZonalRegion {
	var out []ZonalRegion
	for _, region := range cfg.Regions() {
		minimum, left := cfg.ZonalCapacity(region)
		z := ZonalRegion{Region: region, BlockedWindows: []string{}, AzCount: cfg.Network.AzCount, MinimumInstances: minimum, LeftAfterShift: left}
		for _, n := range g.ofType("aws:lb/loadBalancer:LoadBalancer") {
			if n.Region == region && n.Bool("enableZonalShift") {
				z.ZonalShift = true
			}
		}
		for _, n := range g.ofType("aws:cloudcontrol/resource:Resource") {
			if n.Region != region || n.Str("typeName") != zonalspec.TypeName {
				continue
			}
			var doc zonalspec.Document
			if err := json.Unmarshal([]byte(n.Str("desiredState")), &doc); err != nil {
				continue
			}
			z.Autoshift = doc.ZonalAutoshiftStatus == zonalspec.StatusEnabled
			p := doc.PracticeRunConfiguration
			if len(p.OutcomeAlarms) > 0 {
				z.OutcomeAlarm = alarmName(p.OutcomeAlarms[0].AlarmIdentifier)
			}
			if len(p.BlockingAlarms) > 0 {
				z.BlockingAlarm = alarmName(p.BlockingAlarms[0].AlarmIdentifier)
			}
			z.BlockedWindows = append(z.BlockedWindows, p.BlockedWindows...)
			sort.Strings(z.BlockedWindows)
		}
		out = append(out, z)
	}
	return out
}

// alarmName is the name at the end of a CloudWatch alarm ARN.
func alarmName(arn string) string {
	if i := strings.LastIndex(arn, ":alarm:"); i >= 0 {
		return arn[i+len(":alarm:"):]
	}
	return arn
}

// zonalLine is one region's zonal configuration in words.
func zonalLine(z ZonalRegion) string {
	shift := "zonal shift allowed"
	if !z.ZonalShift {
		shift = "zonal shift NOT allowed"
	}
	auto := "autoshift off"
	if z.Autoshift {
		auto = fmt.Sprintf("autoshift on (practice runs: outcome %s, blocking %s, blocked %s)",
			z.OutcomeAlarm, z.BlockingAlarm, strings.Join(z.BlockedWindows, ", "))
	}
	return fmt.Sprintf("%s: %s, %s; %d of %d minimum instances serve with one of %d zones shifted away; $%.2f/month",
		z.Region, shift, auto, z.LeftAfterShift, z.MinimumInstances, z.AzCount, z.MonthlyUsd)
}
