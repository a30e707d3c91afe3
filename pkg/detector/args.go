// Package detector decides automatic failover from the surviving region: a small Lambda in one
// region, on a one-minute schedule, gathers region-level evidence about the other region (its
// application through CloudFront, replication as this region's own cluster publishes it), publishes
// each minute's verdict as CloudWatch metrics, and an N-of-N alarm in this region pages its SNS topic
// and (in `auto`) starts this region's failover runbook through EventBridge. Main builds one per
// region, each watching the other and promoting only itself, so automation keeps working after a
// failover with no deploy: the writer is runtime state.
package detector

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures one region's detector. The component's provider (pulumi.Provider in opts) must be
// the provider of Region; every child lives there.
type Args struct {
	// Region runs the detector; its runbook is the only one the detector may start.
	Region string
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// WatchedRegion is the other region of the pair: the writer this detector watches whenever its
	// own region is the secondary.
	WatchedRegion string
	// Mode is database.autoFailover: notify (page only) or auto (page and start the runbook).
	Mode string
	// AfterMinutes is database.autoFailoverAfterMinutes (1..30): M = N of the alarms.
	AfterMinutes int
	// ProbeUrl is the watched region's liveness path through CloudFront's behaviour pinned to that
	// region's origin (a probe target in the watched region, reached through the global edge).
	ProbeUrl string
	// FailoverName is the failover origin name (origin.<viewer>) and OwnOriginName this region's own
	// origin name (<region>.origin.<viewer>): the detector resolves both through public DNS, and the
	// failover name sharing an address with its own is the global signal that Route 53 answers this
	// region (the world's checkers agree the watched region does not serve).
	FailoverName, OwnOriginName string
	// GlobalClusterIdentifier is the Aurora global cluster; ClusterIdentifier and ClusterArn this
	// region's member (the lag metric's dimension, the role lookup).
	GlobalClusterIdentifier, ClusterIdentifier, ClusterArn pulumi.StringInput
	// WatchedClusterArn is the watched region's member: the veto looks for it as the writer of the
	// global cluster in the watched region's DescribeGlobalClusters.
	WatchedClusterArn pulumi.StringInput
	// StateMachineArn is this region's runbook (failover component output StateMachineArn).
	StateMachineArn pulumi.StringInput
	// TopicArn is this region's SNS topic: pages.
	TopicArn pulumi.StringInput
	// StallMs is the replication-stopped threshold (DefaultStallMs when 0).
	StallMs int
	// LogRetentionDays of the function's log group.
	LogRetentionDays int
	// Protect marks the log key protected (prod).
	Protect bool
}

// Bounds of database.autoFailoverAfterMinutes.
const (
	MinAfterMinutes     = 1
	MaxAfterMinutes     = 30
	DefaultAfterMinutes = 3
)

// Namespace holds the detector's custom metrics, dimensioned by WatchedRegion.
const Namespace = "MultiRegionHA/Detector"

// ProbePathPrefix starts the CloudFront path that reaches only one region's origin:
// /_probe/<region>/... (pkg/edge rewrites it to the application's liveness path).
const ProbePathPrefix = "/_probe/"

// CheckMode validates database.autoFailover.
func CheckMode(mode string) error {
	for _, m := range Modes() {
		if mode == m {
			return nil
		}
	}
	if mode == "true" || mode == "false" {
		return fmt.Errorf("is the boolean %s, which is no longer accepted; allowed: %s (default: notify in prod, off in staging)", mode, strings.Join(Modes(), ", "))
	}
	return fmt.Errorf("is %q; allowed: %s (default: notify in prod, off in staging)", mode, strings.Join(Modes(), ", "))
}

// CheckAfterMinutes validates database.autoFailoverAfterMinutes.
func CheckAfterMinutes(n int) error {
	if n < MinAfterMinutes || n > MaxAfterMinutes {
		return fmt.Errorf("is %d; allowed: %d to %d minutes (default %d)", n, MinAfterMinutes, MaxAfterMinutes, DefaultAfterMinutes)
	}
	return nil
}

func (a *Args) check() error {
	var errs []error
	if a.Region == "" || a.WatchedRegion == "" || a.Region == a.WatchedRegion {
		errs = append(errs, fmt.Errorf("Region and WatchedRegion must be two different regions (got %q and %q)", a.Region, a.WatchedRegion))
	}
	if a.Mode != ModeNotify && a.Mode != ModeAuto {
		errs = append(errs, fmt.Errorf("Mode is %q; allowed: %s or %s (off builds no detector)", a.Mode, ModeNotify, ModeAuto))
	}
	if err := CheckAfterMinutes(a.AfterMinutes); err != nil {
		errs = append(errs, fmt.Errorf("AfterMinutes %w", err))
	}
	if !strings.HasPrefix(a.ProbeUrl, "https://") || !strings.Contains(a.ProbeUrl, ProbePathPrefix+a.WatchedRegion+"/") {
		errs = append(errs, fmt.Errorf("ProbeUrl is %q; it must be https and pinned to %s (%s%s/...)", a.ProbeUrl, a.WatchedRegion, ProbePathPrefix, a.WatchedRegion))
	}
	if a.FailoverName == "" || a.OwnOriginName == "" || a.OwnOriginName == a.FailoverName ||
		a.OwnOriginName != a.Region+"."+a.FailoverName {
		errs = append(errs, fmt.Errorf("FailoverName %q and OwnOriginName %q must be origin.<viewer> and %s.origin.<viewer>", a.FailoverName, a.OwnOriginName, a.Region))
	}
	for field, v := range map[string]pulumi.StringInput{
		"GlobalClusterIdentifier": a.GlobalClusterIdentifier, "ClusterIdentifier": a.ClusterIdentifier,
		"ClusterArn": a.ClusterArn, "WatchedClusterArn": a.WatchedClusterArn,
		"StateMachineArn": a.StateMachineArn, "TopicArn": a.TopicArn,
	} {
		if v == nil {
			errs = append(errs, fmt.Errorf("%s is required", field))
		}
	}
	if a.LogRetentionDays <= 0 {
		errs = append(errs, errors.New("LogRetentionDays must be positive"))
	}
	return errors.Join(errs...)
}
