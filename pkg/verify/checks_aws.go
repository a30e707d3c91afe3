package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
)

// checkTopology: exactly one member of the global cluster writes. It returns the writer's region.
func (v *verifier) checkTopology(ctx context.Context, globalID string) string {
	var lastErr error
	// Ask the home region, then the other: either region's RDS API describes the global cluster.
	for _, region := range v.cfg.Regions() {
		top, err := liveops.GlobalTopology(ctx, v.d.Clients.RDS(region), globalID)
		if err != nil {
			lastErr = err
			continue
		}
		if top.Writers != 1 {
			v.add("single-global-primary", Fail, fmt.Sprintf("%d of %d members of %s write (asked %s)", top.Writers, top.Members, globalID, region))
			return ""
		}
		v.add("single-global-primary", Pass, fmt.Sprintf("%s hosts the primary of %s (%d members)", top.WriterRegion, globalID, top.Members))
		return top.WriterRegion
	}
	v.add("single-global-primary", Fail, lastErr.Error())
	return ""
}

// checkHealthChecks: each exported health check is in the state the writer's region implies
// (ExpectedHealth): the liveness checks healthy, the PRIMARY record's and the global-primary checks
// healthy exactly when the home region writes (traffic follows the writer).
func (v *verifier) checkHealthChecks(ctx context.Context, checks map[string]string, writer string) {
	if len(checks) == 0 {
		v.add("health-checks", Skip, "the stack exports no healthCheckIds or healthCheckId")
		return
	}
	for _, name := range sortedKeys(checks) {
		id := checks[name]
		healthy, source, err := v.healthOf(ctx, id)
		if err != nil {
			v.add("health-check-"+name, Fail, err.Error())
			continue
		}
		want, why := ExpectedHealth(name, v.cfg.PrimaryRegion, v.cfg.SecondaryRegion, writer)
		status := Pass
		if healthy != want {
			status = Fail
		}
		v.add("health-check-"+name, status, fmt.Sprintf("%s is %s (%s); %s", id, healthWord(healthy), source, why))
	}
}

// ExpectedHealth is the state a healthCheckIds entry must be in while writer hosts the global
// primary ("" when unknown: every check must then be healthy, the steady state), and why. Keys are
// pkg/stackoutputs': the PRIMARY record's check and the home region's global-primary check are
// healthy while home writes; the standby's global-primary check is inverted, so it is healthy while
// the standby does not write; liveness (and any other check) is healthy in either role.
func ExpectedHealth(key, home, standby, writer string) (bool, string) {
	if writer == "" {
		return true, "must be healthy"
	}
	switch key {
	case stackoutputs.PrimaryRecordCheck:
		want := writer == home
		return want, fmt.Sprintf("the PRIMARY record's check must be %s while %s writes (home region %s)", healthWord(want), writer, home)
	case stackoutputs.GlobalPrimaryCheck(home):
		want := writer == home
		return want, fmt.Sprintf("%s's global-primary check must be %s while %s writes", home, healthWord(want), writer)
	case stackoutputs.GlobalPrimaryCheck(standby):
		want := writer != standby
		return want, fmt.Sprintf("%s's global-primary check is inverted: it must be %s while %s writes", standby, healthWord(want), writer)
	}
	return true, "must be healthy whichever region writes"
}

func healthWord(ok bool) string {
	if ok {
		return "healthy"
	}
	return "unhealthy"
}

// healthOf reads a health check's state (Route 53's checkers, or the metric for calculated checks).
func (v *verifier) healthOf(ctx context.Context, id string) (bool, string, error) {
	return liveops.HealthState(ctx, v.d.Clients.Route53(), v.d.Clients.CloudWatch("us-east-1"), id, v.d.Now())
}

// checkReplicationLag: the secondary's lag is under the alarm threshold.
func (v *verifier) checkReplicationLag(ctx context.Context, clusterIDs map[string]string, writer string) {
	if writer == "" {
		v.add("replication-lag", Skip, "no single writer, so no secondary to read")
		return
	}
	reader := v.cfg.SecondaryRegion
	if writer == v.cfg.SecondaryRegion {
		reader = v.cfg.PrimaryRegion
	}
	id := clusterIDs[reader]
	if id == "" {
		v.add("replication-lag", Skip, "the stack exports no databaseClusterIds for "+reader)
		return
	}
	threshold := float64(v.cfg.Observability.ReplicationLagAlarmMs)
	lag, ok, err := liveops.ReplicationLag(ctx, v.d.Clients.CloudWatch(reader), id, v.d.Now())
	switch {
	case err != nil:
		v.add("replication-lag", Fail, err.Error())
	case !ok:
		v.add("replication-lag", Fail, fmt.Sprintf("%s in %s published no AuroraGlobalDBReplicationLag in 10 minutes: replication may have stopped", id, reader))
	case lag >= threshold:
		v.add("replication-lag", Fail, fmt.Sprintf("%s in %s lags %.0f ms, at or above the alarm threshold of %.0f ms (observability.replicationLagAlarmMs)", id, reader, lag, threshold))
	default:
		v.add("replication-lag", Pass, fmt.Sprintf("%s in %s lags %.0f ms, under %.0f ms", id, reader, lag, threshold))
	}
}

// checkRunbooks: each region's failover state machine exists and is active.
func (v *verifier) checkRunbooks(ctx context.Context, arns map[string]string) {
	for _, region := range v.cfg.Regions() {
		id := "runbook-" + region
		arn := arns[region]
		if arn == "" {
			v.add(id, Fail, "the stack exports no failoverStateMachineArns for "+region)
			continue
		}
		out, err := v.d.Clients.StepFunctions(region).DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		switch {
		case err != nil:
			v.add(id, Fail, fmt.Sprintf("%s: %v", arn, err))
		case out.Status != sfntypes.StateMachineStatusActive:
			v.add(id, Fail, fmt.Sprintf("%s is %s", arn, out.Status))
		default:
			v.add(id, Pass, aws.ToString(out.Name)+" is active")
		}
	}
}

// checkAlarms: each region's composite "region unhealthy" alarm exists; its state is reported.
func (v *verifier) checkAlarms(ctx context.Context, names map[string]string) {
	for _, region := range v.cfg.Regions() {
		id := "alarms-" + region
		name := names[region]
		if name == "" {
			v.add(id, Fail, "the stack exports no regionUnhealthyAlarmNames for "+region)
			continue
		}
		out, err := v.d.Clients.CloudWatch(region).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{
			AlarmNames: []string{name}, AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeCompositeAlarm},
		})
		switch {
		case err != nil:
			v.add(id, Fail, fmt.Sprintf("%s: %v", name, err))
		case len(out.CompositeAlarms) == 0:
			v.add(id, Fail, name+" does not exist in "+region)
		default:
			v.add(id, Pass, fmt.Sprintf("%s exists (state %s)", name, out.CompositeAlarms[0].StateValue))
		}
	}
}

// checkBackups: each region's backup vault exists; how many recovery points it holds is reported.
func (v *verifier) checkBackups(ctx context.Context, arns map[string]string) {
	for _, region := range v.cfg.Regions() {
		id := "backups-" + region
		arn := arns[region]
		name := arn[strings.LastIndex(arn, ":")+1:]
		if arn == "" || name == "" {
			v.add(id, Fail, "the stack exports no backupVaultArns for "+region)
			continue
		}
		out, err := v.d.Clients.Backup(region).DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
		if err != nil {
			v.add(id, Fail, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		v.add(id, Pass, fmt.Sprintf("vault %s holds %d recovery point(s)", name, out.NumberOfRecoveryPoints))
	}
}
