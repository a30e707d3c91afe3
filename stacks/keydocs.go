package stacks

import (
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// KeyDoc is what docs/configuration.md says about one config key beyond what Config itself says.
// The key's type and its default per stack come from Config and defaults(env) by reflection; Range
// and Allowed are the bounds validation enforces, and a test (TestKeyDocBoundsAreEnforced) proves
// each bound by parsing it and one step past it, so the document cannot promise a range the code
// does not hold.
type KeyDoc struct {
	Meaning string
	// Range bounds an integer key (Max 0: no upper bound).
	Range *IntRange
	// Allowed lists every value the key accepts (integers as decimal text).
	Allowed []string
	// Default replaces the rendered default of both stacks (keys whose default is not a value).
	Default string
	// Unset says what an empty default means, when validation resolves it to something.
	Unset string
}

// IntRange is an inclusive integer range.
type IntRange struct{ Min, Max int }

func ints(values ...int) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.Itoa(v)
	}
	return out
}

func between(lo, hi int) *IntRange { return &IntRange{Min: lo, Max: hi} }

func atLeast(lo int) *IntRange { return &IntRange{Min: lo} }

const required = "*(required)*"

// keyDocs describes every key of Config, in the form DocumentedKeys returns. A key without an
// entry still appears in the generated reference (its meaning then comes from the field's doc
// comment), so keys added to Config are documented on the next regeneration.
var keyDocs = map[string]KeyDoc{
	"environment":       {Default: "the stack name", Allowed: []string{Prod, Staging}, Meaning: "Picks the defaults profile; needed when the stack name is neither `prod` nor `staging`."},
	"accountId":         {Default: required, Meaning: "The 12-digit AWS account the stack deploys to (quote it in YAML). Every aws provider gets it as `allowedAccountIds`. `go run . pin` writes it."},
	"unavailableRegion": {Meaning: "Last resort during a long regional outage: the region whose APIs are down. Its provider then configures without STS, IAM or the metadata API, so `go run . targets` can update the other region alone ([docs/failover.md](failover.md)). Unset it when the region is back."},
	"primaryRegion":     {Meaning: "Home region: where the global database was created and whose Route 53 record is PRIMARY. A fact of config that never flips: which region writes is runtime state, and nothing is renamed or moved after a failover."},
	"secondaryRegion":   {Meaning: "Standby region: the same resources at standby sizes, promoted by its own runbook. Must differ from `primaryRegion`."},
	"tags":              {Meaning: "Extra tags on every resource (provider `defaultTags`) beside `Project`, `Environment`, `Stack` and `ManagedBy`, which cannot be overridden."},

	"network.natGateways":            {Allowed: natStrategies, Meaning: "`perAz`: an AZ outage cannot cut the others' egress; `single`: cheaper, one AZ is a single point of failure; `none`."},
	"network.azCount":                {Range: atLeast(2), Meaning: "Availability Zones per region, up to what the region offers."},
	"network.flowLogRetentionDays":   {Allowed: ints(logRetentionDays...), Meaning: "Days VPC flow logs are kept (a CloudWatch Logs retention)."},
	"network.<role>.cidr":            {Meaning: "The VPC CIDR of `network.primary` or `network.secondary` (/16 to /28; carving needs /23 or larger). The two VPCs must not overlap."},
	"network.<role>.azs":             {Default: required, Meaning: "The zones of that region, one per AZ. Zone names map to different physical zones per account, so they are pinned, never computed. `go run . pin` writes them."},
	"network.<role>.publicSubnets":   {Unset: "carved", Meaning: "Explicit public subnet CIDRs, one per AZ, inside the VPC. Unset: carved, 32 slots of the VPC, tier *t* in AZ *i* takes slot `t*8 + i` (raising `azCount` moves no subnet)."},
	"network.<role>.privateSubnets":  {Unset: "carved", Meaning: "Explicit private subnet CIDRs, as above."},
	"network.<role>.databaseSubnets": {Unset: "carved", Meaning: "Explicit database subnet CIDRs, as above."},

	"compute.instanceType":              {Meaning: "EC2 type `family.size`; families needing dedicated hosts are refused."},
	"compute.minSize":                   {Range: atLeast(1), Meaning: "Home region (`primaryRegion`): fewest instances, at most `maxSize`, whichever region writes."},
	"compute.maxSize":                   {Range: atLeast(1), Meaning: "Most instances, the same in both regions (a promoted region scales up to it)."},
	"compute.desiredCapacity":           {Meaning: "Home region: instances at creation, `minSize` to `maxSize`; also what a runbook raises the promoted region to (never lower than it runs)."},
	"compute.standbyMinSize":            {Meaning: "Standby region: fewest instances, 0 (pilot light) to `maxSize`."},
	"compute.standbyDesiredCapacity":    {Meaning: "Standby region: instances at creation, `standbyMinSize` to `maxSize`."},
	"compute.targetRequestsPerInstance": {Range: between(1, 1000000), Meaning: "Target tracking on `ALBRequestCountPerTarget` (requests a minute per instance) in both regions."},
	"compute.appPort":                   {Range: between(1, 65535), Meaning: "Port the instances serve on; the target group and security groups follow it."},
	"compute.healthCheckPath":           {Meaning: "Liveness path the target group and Route 53 check: starts with `/`, no query, at most 255 characters, not `/health/global-primary`."},
	"compute.amiIds":                    {Default: required, Meaning: "The image of each region (`{us-east-1: ami-..., us-west-2: ami-...}`). Pinned: an image changes only when someone changes it. `go run . pin --images` refreshes them."},
	"compute.amiSsmParameter":           {Unset: "Amazon Linux 2023 of the type's architecture", Meaning: "Public SSM parameter `go run . pin --images` reads (never the program): unset, `" + AmiAl2023X86 + "` or its `-arm64` twin for Graviton types."},
	"compute.cloudFrontPrefixListIds":   {Unset: "the known ids", Meaning: "Region to the id of `com.amazonaws.global.cloudfront.origin-facing`; a table in `pkg/awsenv` fills known regions, others must be listed (`go run . pin` reads them)."},
	"compute.healthCheckPrefixListIds":  {Unset: "the known ids", Meaning: "Region to the id of `com.amazonaws.<region>.route53-healthchecks`; regions the `pkg/awsenv` table lacks must be listed (`go run . pin` reads them)."},
	"compute.userData":                  {Unset: "the built-in service", Meaning: "Path of a user data script in the repository, relative to the project directory (at most 16 KB)."},
	"compute.accessLogRetentionDays":    {Range: atLeast(1), Meaning: "Days ALB access logs are kept."},
	"compute.healthCheckGracePeriod":    {Range: between(60, 7200), Meaning: "Seconds a new instance may boot before ELB health checks count."},
	"compute.rootVolumeSize":            {Range: between(8, 16384), Meaning: "Root volume size in GiB (gp3, encrypted)."},
	"compute.rootDeviceName":            {Meaning: "The AMI's root device (`/dev/sda1` for Ubuntu): the encrypted volume must replace the root, not add a disk."},
	"compute.patchApproveAfterDays":     {Range: between(patchspec.MinApproveAfterDays, patchspec.MaxApproveAfterDays), Meaning: "Days after release the patch baseline approves a security or bugfix update ([docs/compute.md](compute.md#patching))."},
	"compute.patchInstall":              {Meaning: "Install approved patches in place, one instance at a time through Auto Scaling standby. Off: images are the only patch vehicle."},
	"compute.zonalAutoshift":            {Meaning: "ARC zonal autoshift with weekly practice runs on each region's ALB (zonal shift itself is always allowed); with it on, each region must serve from one zone fewer (`minSize`, `standbyMinSize` and `network.azCount` checked together)."},
	"compute.patchWindow":               {Meaning: "The secondary region's install window, " + patchspec.Allowed + "; the home region's opens one day later."},

	"database.engine":                           {Allowed: dbspec.Engines(), Meaning: "The Aurora engine."},
	"database.engineVersion":                    {Unset: "`" + dbspec.DefaultVersion(dbspec.Postgres) + "` (MySQL: `" + dbspec.DefaultVersion(dbspec.MySQL) + "`)", Meaning: "A version that supports global databases in both regions (unset: the engine's long-term-support minor)."},
	"database.instanceClass":                    {Meaning: "Memory-optimized class; burstable `db.t*` and `db.serverless` are refused (global databases do not support them)."},
	"database.primaryInstances":                 {Range: between(1, dbspec.MaxInstances), Meaning: "Instances of the home region's cluster, in either role."},
	"database.secondaryInstances":               {Range: between(1, dbspec.MaxInstances), Meaning: "Instances of the standby region's cluster (a failover target needs one), in either role."},
	"database.databaseName":                     {Meaning: "Initial database (a letter, then letters, digits, `_`; up to 63). Used at creation only."},
	"database.masterUsername":                   {Meaning: "Master user (up to 16 characters, not reserved). Used at creation only."},
	"database.backupRetentionDays":              {Range: between(1, 35), Meaning: "Days of automated backups (the guardrails require 7 or more)."},
	"database.deletionProtection":               {Meaning: "Deletion protection on the global cluster and both clusters."},
	"database.performanceInsightsRetentionDays": {Meaning: "7 (free), a multiple of 31 up to 713, or 731."},
	"database.monitoringIntervalSeconds":        {Allowed: ints(dbspec.MonitoringIntervals...), Meaning: "Enhanced monitoring interval (0: off)."},
	"database.rpoSeconds":                       {Allowed: ints(0), Meaning: "Must stay 0 in this two-region stack: `rds.global_db_rpo` would pause every commit on the promoted writer while the other region is down."},
	"database.autoFailover":                     {Allowed: detector.Modes(), Meaning: "Each region's detector pages (`notify`) or also starts its own region's runbook (`auto`) after `autoFailoverAfterMinutes` of region-level evidence ([docs/database.md](database.md#automatic-failover-databaseautofailover))."},
	"database.autoFailoverAfterMinutes":         {Range: between(detector.MinAfterMinutes, detector.MaxAfterMinutes), Meaning: "N of the detector's N-of-N alarm: consecutive minutes of evidence."},
	"database.writeForwarding":                  {Meaning: "Aurora global write forwarding on both clusters: the standby's application writes through its own cluster without a promotion."},

	"edge.domainName":                  {Default: required, Meaning: "Domain of the public hosted zone the application is served under, e.g. `example.com`."},
	"edge.hostname":                    {Meaning: "Label(s) left of `domainName` users browse to; `\"\"` serves the apex."},
	"edge.createHostedZone":            {Meaning: "`true` creates the public hosted zone and exports its `nameServers`; `false` uses `edge.hostedZoneId`."},
	"edge.hostedZoneId":                {Default: "*(required unless createHostedZone)*", Meaning: "Id of the existing public hosted zone of `domainName` (`Z...`). Pinned, never looked up. `go run . pin` writes it."},
	"edge.priceClass":                  {Allowed: priceClasses, Meaning: "CloudFront price class."},
	"edge.wafRateLimit":                {Range: between(MinWafRateLimit, MaxWafRateLimit), Meaning: "Requests one IP may send per 5 minutes before WAF blocks it."},
	"edge.healthCheckIntervalSeconds":  {Allowed: ints(10, 30), Meaning: "Route 53 health-check interval; with the threshold, the detection part of the traffic failover budget (`go run . plan` prints it)."},
	"edge.healthCheckFailureThreshold": {Range: between(1, 10), Meaning: "Consecutive failed checks before a path counts as unhealthy."},
	"edge.logRetentionDays":            {Allowed: ints(logRetentionDays...), Meaning: "Days WAF logs and CloudFront access logs are kept."},

	"observability.alarmEmails":               {Meaning: "Addresses subscribed to every alarm topic and to the budget (at most " + strconv.Itoa(maxAlarmEmails) + "). Each confirms once per topic; without any, nobody is notified."},
	"observability.monthlyBudgetUsd":          {Meaning: "Monthly cost budget in USD (positive), by the `Stack` cost allocation tag; `plan` warns when the estimate exceeds it."},
	"observability.backupRetentionDays":       {Range: between(1, maxBackupRetentionDays), Meaning: "Days AWS Backup keeps each recovery point and its cross-region copy."},
	"observability.backupSchedule":            {Meaning: "AWS cron (UTC) of the backup rule, `?` in exactly one day field, at most hourly."},
	"observability.accessAnalyzer":            {Meaning: "IAM Access Analyzer (zone of trust: the account) in each region, its active findings paging the region's alarm topic (docs/security.md)."},
	"observability.enableAwsConfig":           {Meaning: "AWS Config managed rules in both regions (and, with `awsConfigRecorder`, the recorder and delivery channel)."},
	"observability.awsConfigRecorder":         {Meaning: "Read only with `enableAwsConfig`: `false` keeps the rules and relies on the account's existing recorder and delivery channel (AWS allows one of each per account and region)."},
	"observability.replicationLagAlarmMs":     {Range: atLeast(1), Meaning: "The RPO: Aurora global replication lag (ms) above which the lag alarm fires."},
	"observability.activateCostAllocationTag": {Meaning: "Activates the `Stack` tag for cost allocation as code. Only a management (payer) account may, and only a day after the first tagged resource ([README](../README.md#before-the-first-deploy))."},

	"deployments.oidc":             {Meaning: "Create the AWS side of Pulumi Deployments OIDC: the identity provider and the deploy role ([docs/deployments.md](deployments.md))."},
	"deployments.organization":     {Meaning: "The Pulumi organization: the token audience and part of the trusted subject. Required with `oidc`."},
	"deployments.issuer":           {Meaning: "Pulumi Cloud's OIDC issuer (https, no trailing slash). Change only for self-hosted Pulumi Cloud."},
	"deployments.stacks":           {Unset: "this stack", Meaning: "Stacks whose deployments may assume this stack's role (names, no wildcards)."},
	"deployments.createProvider":   {Meaning: "Create the account's OIDC provider; `false` when another stack of the account owns it."},
	"deployments.policyArns":       {Meaning: "Managed policies of the deploy role (1 to 10), besides its inline program-IAM policy."},
	"deployments.operatorRoleArns": {Meaning: "Exact ARNs (or path patterns) of the operator roles the customer-managed keys grant use to, beside the program's own roles under `/multi-region-ha/<stack>/` (docs/security.md)."},
	"deployments.sessionSeconds":   {Range: between(3600, 43200), Meaning: "The deploy role's `MaxSessionDuration`: long enough for an Aurora global major-version upgrade. `stacks/<stack>.deployment.yaml` must use the same duration."},

	"drills.enabled":         {Meaning: "Create the AWS FIS experiment templates (instance, per AZ, region) in both regions. Off in prod until a team turns drills on for a game day ([docs/drills.md](drills.md))."},
	"drills.instancePercent": {Range: between(1, 100), Meaning: "Share of the application instances the instance drill terminates."},
	"drills.durationMinutes": {Range: between(MinDrillMinutes, MaxDrillMinutes), Meaning: "How long the AZ and region drills last before FIS restores what they cut."},
}

// allowedText renders a KeyDoc's bounds for the reference.
func (d KeyDoc) allowedText() string {
	switch {
	case len(d.Allowed) > 0:
		quoted := make([]string, len(d.Allowed))
		for i, v := range d.Allowed {
			quoted[i] = "`" + v + "`"
		}
		return strings.Join(quoted, ", ")
	case d.Range != nil && d.Range.Max == 0:
		return "at least " + strconv.Itoa(d.Range.Min)
	case d.Range != nil:
		return strconv.Itoa(d.Range.Min) + " to " + strconv.Itoa(d.Range.Max)
	}
	return ""
}
