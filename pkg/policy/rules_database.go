package policy

import (
	"fmt"
	"strings"
)

// minBackupRetentionDays is the shortest automated-backup retention the project accepts.
const minBackupRetentionDays = 7

// auroraEngine reports whether a cluster runs Aurora (the rules target Aurora, not Multi-AZ DB clusters).
func auroraEngine(r *Resource) bool {
	e := r.str("engine")
	return e == "" || e == "aurora-postgresql" || e == "aurora-mysql" || e == "aurora" || r.unknown("engine")
}

var databaseRules = []Rule{
	{
		Name:          "aurora-storage-encrypted",
		Description:   "Aurora clusters encrypt storage with a customer-managed KMS key; global clusters are created encrypted.",
		ResourceTypes: []string{TypeRdsCluster, TypeRdsGlobalCluster},
		Check: func(r *Resource) []string {
			if r.Type == TypeRdsGlobalCluster {
				if !r.set("sourceDbClusterIdentifier") && !r.boolean("storageEncrypted") {
					return []string{"storageEncrypted is not true"}
				}
				return nil
			}
			if !r.boolean("storageEncrypted") {
				return []string{"storageEncrypted is not true"}
			}
			return requireCMK(r, "kmsKeyId", "the cluster's storage")
		},
	},
	{
		Name:          "aurora-deletion-protection-prod",
		Description:   "Aurora clusters and global clusters of prod stacks have deletion protection.",
		ResourceTypes: []string{TypeRdsCluster, TypeRdsGlobalCluster},
		Check: func(r *Resource) []string {
			if r.Prod() && !r.boolean("deletionProtection") {
				return []string{"deletionProtection is not true in a prod stack"}
			}
			return nil
		},
	},
	{
		Name:          "aurora-backup-retention",
		Description:   fmt.Sprintf("Aurora clusters keep automated backups for at least %d days.", minBackupRetentionDays),
		ResourceTypes: []string{TypeRdsCluster},
		Check: func(r *Resource) []string {
			n, ok := r.number("backupRetentionPeriod")
			if r.unknown("backupRetentionPeriod") {
				return nil
			}
			if !ok {
				n = 1 // AWS's default
			}
			if n < minBackupRetentionDays {
				return []string{fmt.Sprintf("backupRetentionPeriod is %g days, below %d", n, minBackupRetentionDays)}
			}
			return nil
		},
	},
	{
		Name:          "aurora-iam-auth",
		Description:   "Aurora clusters enable IAM database authentication.",
		ResourceTypes: []string{TypeRdsCluster},
		Check: func(r *Resource) []string {
			if auroraEngine(r) && !r.boolean("iamDatabaseAuthenticationEnabled") {
				return []string{"iamDatabaseAuthenticationEnabled is not true"}
			}
			return nil
		},
	},
	{
		Name:          "aurora-log-exports",
		Description:   "Aurora clusters export their database logs to CloudWatch Logs.",
		ResourceTypes: []string{TypeRdsCluster},
		Check: func(r *Resource) []string {
			if !r.set("enabledCloudwatchLogsExports") {
				return []string{"enabledCloudwatchLogsExports is empty"}
			}
			return nil
		},
	},
	{
		Name:          "aurora-not-public",
		Description:   "Aurora instances are not publicly accessible.",
		ResourceTypes: []string{TypeRdsClusterInstance},
		Check: func(r *Resource) []string {
			if r.boolean("publiclyAccessible") {
				return []string{"publiclyAccessible is true"}
			}
			return nil
		},
	},
	{
		Name:          "aurora-performance-insights-encrypted",
		Description:   "Where Performance Insights is on, it is encrypted with a customer-managed KMS key.",
		ResourceTypes: []string{TypeRdsCluster, TypeRdsClusterInstance},
		Check: func(r *Resource) []string {
			if !r.boolean("performanceInsightsEnabled") {
				return nil
			}
			return requireCMK(r, "performanceInsightsKmsKeyId", "Performance Insights")
		},
	},
	{
		Name: "aurora-tls-required",
		Description: "Aurora refuses unencrypted connections: every cluster uses its own cluster parameter group " +
			"(the default group allows plaintext), which sets rds.force_ssl=1 (PostgreSQL) or require_secure_transport=ON (MySQL).",
		ResourceTypes: []string{TypeRdsCluster, TypeRdsClusterParams},
		Check: func(r *Resource) []string {
			if r.Type == TypeRdsCluster {
				if !auroraEngine(r) {
					return nil
				}
				name := r.str("dbClusterParameterGroupName")
				switch {
				case !r.set("dbClusterParameterGroupName"):
					return []string{"dbClusterParameterGroupName is not set: the default parameter group accepts unencrypted connections"}
				case strings.HasPrefix(name, "default."):
					return []string{fmt.Sprintf("dbClusterParameterGroupName is %s, a default group that accepts unencrypted connections", name)}
				}
				return nil
			}
			family := r.str("family")
			param, want := "", []string{}
			switch {
			case strings.HasPrefix(family, "aurora-postgresql"):
				param, want = "rds.force_ssl", []string{"1"}
			case strings.HasPrefix(family, "aurora-mysql"):
				param, want = "require_secure_transport", []string{"ON", "1"}
			default:
				return nil // another engine family (or not known yet): not an Aurora TLS setting
			}
			for _, p := range r.list("parameters") {
				q := sub(p)
				if q.str("name") != param {
					continue
				}
				if q.unknown("value") || containsString(want, strings.ToUpper(q.str("value"))) {
					return nil
				}
				return []string{fmt.Sprintf("%s is %q; allowed: %s", param, q.str("value"), strings.Join(want, " or "))}
			}
			return []string{fmt.Sprintf("the %s group does not set %s=%s, so clients may connect without TLS", family, param, want[0])}
		},
	},
}

// credentialed reports whether a cluster carries master credentials of its own.
func credentialed(c *Resource) bool {
	return c.set("masterUsername") || c.set("masterPassword") || c.boolean("manageMasterUserPassword")
}

var auroraGlobalSecondaryRule = StackRule{
	Name: "aurora-global-secondary-no-credentials",
	Description: "In an Aurora global database only the primary cluster carries master credentials; " +
		"secondaries take none and no member uses a managed master password (unsupported for global clusters).",
	ResourceTypes: []string{TypeRdsCluster},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, g := range ofType(all, TypeRdsGlobalCluster) {
			var members []*Resource
			for _, c := range ofType(all, TypeRdsCluster) {
				if c.refersTo("globalClusterIdentifier", g) {
					members = append(members, c)
				}
			}
			var withCredentials []*Resource
			for _, c := range members {
				if c.boolean("manageMasterUserPassword") {
					out = append(out, Finding{URN: c.URN, Message: "manageMasterUserPassword is not supported for global cluster members"})
				}
				if credentialed(c) {
					withCredentials = append(withCredentials, c)
				}
			}
			// The primary is the member the others were created after (DependsOn its instance) or the
			// only one with credentials; every further credentialed member is a secondary with credentials.
			if len(withCredentials) > 1 {
				for _, c := range withCredentials[1:] {
					out = append(out, Finding{URN: c.URN, Message: fmt.Sprintf("%d members of the global cluster %s carry master credentials; secondaries must not", len(withCredentials), g.Name)})
				}
			}
		}
		return out
	},
}
