package database

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

func TestEveryChildIsParentedAndOnItsRegionsProvider(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	comps := m.OfType(tComponent)
	require.Len(t, comps, 1)
	descendants := m.Descendants(comps[0].URN)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		custom++
		assert.Contains(t, descendants, r, "%s %s is not under the component", r.Type, r.Name)
		switch {
		case r.Type == tPassword:
			assert.Equal(t, "random", r.ProviderName, r.Name)
		case strings.Contains(r.Name, "-"+regionA+"-"):
			assert.Equal(t, regionA, r.Region, "%s %s", r.Type, r.Name)
		case strings.Contains(r.Name, "-"+regionB+"-"):
			assert.Equal(t, regionB, r.Region, "%s %s", r.Type, r.Name)
		default: // the global cluster and the secret live in the home region
			assert.Equal(t, regionA, r.Region, "%s %s belongs to the home region", r.Type, r.Name)
			assert.Contains(t, []string{tGlobal, tSecret, tVersion}, r.Type, "%s %s has no region in its name", r.Type, r.Name)
		}
	}
	assert.Equal(t, 2*8+3+4, custom, "per region key, subnets, sg, rule, params, role, attachment, cluster (8) + instances (2+1); global, password, secret, version")
	for _, inv := range m.Invokes() {
		assert.Contains(t, []string{regionA, regionB}, inv.Region, "invoke %s uses an explicit regional provider", inv.Token)
	}
}

func TestBothClustersAreEncryptedWithTheirRegionsKeyInTheSameGlobalCluster(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	g := m.OfType(tGlobal)
	require.Len(t, g, 1)
	assert.True(t, g[0].Bool("storageEncrypted"))
	assert.Equal(t, "aurora-postgresql", g[0].Str("engine"))
	assert.Equal(t, "16.6", g[0].Str("engineVersion"))
	assert.Equal(t, "multi-region-ha-prod-database", g[0].Str("globalClusterIdentifier"))
	assert.True(t, g[0].Bool("deletionProtection"))
	assert.Equal(t, "multi-region-ha-prod-database", out["globalClusterId"].Value)

	for _, region := range []string{regionA, regionB} {
		c := cluster(t, m, region)
		assert.Equal(t, region, c.Region)
		assert.True(t, c.Bool("storageEncrypted"), region)
		assert.Equal(t, arn(key(t, m, region)), c.Str("kmsKeyId"), "%s uses its own region's key", region)
		assert.Contains(t, c.Str("kmsKeyId"), ":kms:"+region+":")
		assert.Equal(t, g[0].ID, c.Str("globalClusterIdentifier"), "%s joins the global cluster (its ID is its identifier)", region)
		assert.False(t, c.Bool("manageMasterUserPassword"), "managed master passwords are not supported for global clusters")
		assert.False(t, c.Has("manageMasterUserPassword"))
		assert.Equal(t, "provisioned", c.Str("engineMode"))
		assert.Equal(t, []string{named(t, m, tSG, "database-"+region+"-sg").ID}, c.Strings("vpcSecurityGroupIds"))
		assert.Equal(t, "database-"+region+"-subnets", c.Str("dbSubnetGroupName"))
		assert.Equal(t, "database-"+region+"-params", c.Str("dbClusterParameterGroupName"))
		assert.True(t, c.Bool("iamDatabaseAuthenticationEnabled"))
		assert.True(t, c.Bool("copyTagsToSnapshot"))
		assert.Equal(t, 30.0, c.Num("backupRetentionPeriod"))
		assert.Equal(t, "03:00-04:00", c.Str("preferredBackupWindow"))
		assert.Equal(t, "sun:04:30-sun:05:30", c.Str("preferredMaintenanceWindow"))
		assert.Equal(t, []string{"postgresql"}, c.Strings("enabledCloudwatchLogsExports"))
		assert.Equal(t, 5432.0, c.Num("port"))
		assert.True(t, c.Bool("deletionProtection"))
	}
}

func TestOnlyTheHomeClusterCarriesCredentials(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	w, r := cluster(t, m, regionA), cluster(t, m, regionB)
	assert.Equal(t, "dbadmin", w.Str("masterUsername"))
	assert.Equal(t, "app", w.Str("databaseName"))
	assert.True(t, w.Has("masterPassword"))
	assert.True(t, w.IsSecret("masterPassword"), "the master password reaches the engine only as a secret")
	for _, prop := range []string{"masterUsername", "masterPassword", "databaseName", "snapshotIdentifier", "replicationSourceIdentifier"} {
		assert.False(t, r.Has(prop), "AWS rejects %s on a cross-region member", prop)
	}
}

func TestSecondaryIsCreatedAfterThePrimarysInstances(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	r := cluster(t, m, regionB)
	writerInstances := m.InRegion(tInstance, regionA)
	require.Len(t, writerInstances, 2)
	for _, i := range writerInstances {
		assert.True(t, r.DependsOn(i), "secondary waits for %s", i.Name)
	}
	assert.False(t, cluster(t, m, regionA).DependsOn(m.InRegion(tInstance, regionB)[0]), "the writer waits for nothing of the reader")
	assert.True(t, cluster(t, m, regionA).DependsOn(m.OfType(tGlobal)[0]))
}

func TestClustersIgnoreWhatAFailoverChanges(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	for _, region := range []string{regionA, regionB} {
		c := cluster(t, m, region)
		for _, prop := range []string{"replicationSourceIdentifier", "masterUsername", "masterPassword", "databaseName", "engineVersion"} {
			assert.True(t, c.Ignores(prop), "%s ignores %s", region, prop)
		}
		// A cluster that left the global database must show as drift, never be hidden.
		assert.False(t, c.Ignores("globalClusterIdentifier"), "%s must not ignore globalClusterIdentifier", region)
		for _, prop := range []string{"snapshotIdentifier", "sourceRegion"} {
			assert.False(t, c.Ignores(prop), "%s: %s is never set, so nothing to ignore", region, prop)
		}
	}
}

func TestInstancesPerRoleAndTheirSettings(t *testing.T) {
	cases := []struct {
		stack          string
		writer, reader int
		interval       int
	}{
		{"prod", 2, 1, 15},
		{"staging", 1, 1, 60},
		{"big", 3, 2, 0},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			args := testArgs(regionA, regionB)
			args.Home.Instances, args.Standby.Instances, args.MonitoringIntervalSeconds = tc.writer, tc.reader, tc.interval
			m, out := run(t, tc.stack, args)
			assert.Len(t, m.InRegion(tInstance, regionA), tc.writer)
			assert.Len(t, m.InRegion(tInstance, regionB), tc.reader)
			ids := out["instanceIdentifiers"].Value.(map[string][]string)
			assert.Len(t, ids[regionA], tc.writer)
			assert.Len(t, ids[regionB], tc.reader)
			for _, region := range []string{regionA, regionB} {
				role := m.Named(tRole, "database-"+region+"-monitoring")
				assert.Equal(t, tc.interval > 0, role != nil, "enhanced monitoring role in %s", region)
				for n, i := range m.InRegion(tInstance, region) {
					assert.Equal(t, fmt.Sprintf("database-%s-%d", region, n+1), i.Name)
					assert.Equal(t, cluster(t, m, region).ID, i.Str("clusterIdentifier"))
					assert.Equal(t, "db.r6g.large", i.Str("instanceClass"))
					assert.Equal(t, "aurora-postgresql", i.Str("engine"))
					assert.False(t, i.Bool("publiclyAccessible"))
					assert.True(t, i.Has("publiclyAccessible"), "set explicitly")
					assert.True(t, i.Bool("autoMinorVersionUpgrade"))
					assert.True(t, i.Bool("performanceInsightsEnabled"))
					assert.Equal(t, arn(key(t, m, region)), i.Str("performanceInsightsKmsKeyId"))
					assert.Equal(t, 7.0, i.Num("performanceInsightsRetentionPeriod"))
					assert.Equal(t, float64(tc.interval), i.Num("monitoringInterval"))
					if role != nil {
						assert.Equal(t, arn(role), i.Str("monitoringRoleArn"))
						assert.True(t, i.DependsOn(named(t, m, tAttach, "database-"+region+"-monitoring-policy")))
					} else {
						assert.False(t, i.Has("monitoringRoleArn"))
					}
				}
			}
		})
	}
}

func TestEnhancedMonitoringRole(t *testing.T) {
	m, _ := run(t, "prod", testArgs(regionA, regionB))
	for _, region := range []string{regionA, regionB} {
		role := named(t, m, tRole, "database-"+region+"-monitoring")
		assert.Equal(t, region, role.Region)
		st := role.JSON("assumeRolePolicy")["Statement"].([]any)[0].(map[string]any)
		assert.Equal(t, map[string]any{"Service": []any{"monitoring.rds.amazonaws.com"}}, st["Principal"])
		assert.Equal(t, []any{"sts:AssumeRole"}, st["Action"])
		assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": offline.AccountID}}, st["Condition"])
		att := named(t, m, tAttach, "database-"+region+"-monitoring-policy")
		assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", att.Str("policyArn"))
		assert.Equal(t, offline.Lookup(role.Outputs, "name").StringValue(), att.Str("role"))
	}
}

func TestParameterGroupsPerEngine(t *testing.T) {
	cases := []struct {
		name, engine, version, family string
		rpo                           int
		port                          float64
		logs                          []string
		want                          map[string]string
	}{
		{"postgres", "aurora-postgresql", "16.6", "aurora-postgresql16", 0, 5432, []string{"postgresql"},
			map[string]string{"rds.force_ssl": "1", "ssl_min_protocol_version": "TLSv1.2"}},
		{"mysql", "aurora-mysql", "8.0.mysql_aurora.3.08.0", "aurora-mysql8.0", 0, 3306, []string{"audit", "error", "general", "slowquery"},
			map[string]string{"require_secure_transport": "ON", "tls_version": "TLSv1.2,TLSv1.3", "server_audit_logging": "1",
				"server_audit_events": "CONNECT,QUERY_DCL,QUERY_DDL", "slow_query_log": "1", "long_query_time": "2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(regionA, regionB)
			args.Engine, args.EngineVersion, args.RpoSeconds = tc.engine, tc.version, tc.rpo
			m, out := run(t, "prod", args)
			assert.Equal(t, int(tc.port), out["port"].Value)
			for _, region := range []string{regionA, regionB} {
				pg := named(t, m, tParams, "database-"+region+"-params")
				assert.Equal(t, region, pg.Region)
				assert.Equal(t, tc.family, pg.Str("family"))
				got := map[string]string{}
				for i := 0; i < pg.Len("parameters"); i++ {
					p := fmt.Sprintf("parameters[%d].", i)
					got[pg.Str(p+"name")] = pg.Str(p + "value")
					assert.Contains(t, []string{"immediate", "pending-reboot"}, pg.Str(p+"applyMethod"))
				}
				assert.Equal(t, tc.want, got, "%s: both regions carry the same parameters, so a promoted cluster keeps them", region)
				c := cluster(t, m, region)
				assert.Equal(t, tc.port, c.Num("port"))
				assert.Equal(t, tc.logs, c.Strings("enabledCloudwatchLogsExports"))
				assert.Equal(t, tc.engine, c.Str("engine"))
				assert.Equal(t, tc.version, c.Str("engineVersion"))
				rule := named(t, m, tIngress, "database-"+region+"-sg-in-app")
				assert.Equal(t, tc.port, rule.Num("fromPort"))
				assert.Equal(t, tc.port, rule.Num("toPort"))
			}
		})
	}
}

func TestSecurityGroupAdmitsOnlyTheRegionsInstances(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	rules := m.OfType(tIngress)
	require.Len(t, rules, 2, "one ingress rule per region, nothing else")
	assert.Empty(t, m.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"))
	sgIDs := out["securityGroupIds"].Value.(map[string]string)
	for _, region := range []string{regionA, regionB} {
		sg := named(t, m, tSG, "database-"+region+"-sg")
		assert.Equal(t, "vpc-"+region, sg.Str("vpcId"))
		assert.False(t, sg.Has("ingress") || sg.Has("egress"), "no inline rules")
		assert.NotEmpty(t, sg.Str("description"))
		assert.Equal(t, sg.ID, sgIDs[region])
		rule := named(t, m, tIngress, "database-"+region+"-sg-in-app")
		assert.Equal(t, region, rule.Region)
		assert.Equal(t, sg.ID, rule.Str("securityGroupId"))
		assert.Equal(t, "sg-app-"+region, rule.Str("referencedSecurityGroupId"))
		assert.Equal(t, "tcp", rule.Str("ipProtocol"))
		assert.Equal(t, 5432.0, rule.Num("fromPort"))
		assert.NotEmpty(t, rule.Str("description"))
		assert.False(t, rule.Has("cidrIpv4") || rule.Has("cidrIpv6") || rule.Has("prefixListId"))
		sub := named(t, m, tSubnets, "database-"+region+"-subnets")
		assert.Equal(t, []string{"subnet-db-a-" + region, "subnet-db-b-" + region}, sub.Strings("subnetIds"))
	}
}

func TestKeysPerRegion(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	keys := out["kmsKeyArns"].Value.(map[string]string)
	for _, region := range []string{regionA, regionB} {
		k := key(t, m, region)
		assert.Equal(t, region, k.Region)
		assert.True(t, k.Bool("enableKeyRotation"))
		assert.Equal(t, arn(k), keys[region])
		doc := k.JSON("policy")
		statements := doc["Statement"].([]any)
		require.Len(t, statements, 3)
		root := fmt.Sprintf("arn:aws:iam::%s:root", offline.AccountID)
		for _, s := range statements {
			st := s.(map[string]any)
			assert.Equal(t, map[string]any{"AWS": []any{root}}, st["Principal"], "only the account")
			for _, a := range st["Action"].([]any) {
				if st["Sid"] != "AccountAdministersKeyThroughIAM" {
					assert.NotEqual(t, "kms:*", a)
				}
			}
		}
		use := statements[1].(map[string]any)
		assert.Equal(t, map[string]any{
			"kms:CallerAccount": offline.AccountID,
			"kms:ViaService":    []any{"rds." + region + ".amazonaws.com", "secretsmanager." + region + ".amazonaws.com"},
		}, use["Condition"].(map[string]any)["StringEquals"])
		grants := statements[2].(map[string]any)
		assert.Equal(t, map[string]any{"kms:GrantIsForAWSResource": "true"}, grants["Condition"].(map[string]any)["Bool"])
	}
}

func TestProtectionFollowsTheEnvironment(t *testing.T) {
	for _, prod := range []bool{true, false} {
		t.Run(fmt.Sprint(prod), func(t *testing.T) {
			args := testArgs(regionA, regionB)
			args.Protect, args.DeletionProtection = prod, prod
			m, _ := run(t, "prod", args)
			protected := []*offline.Resource{m.OfType(tGlobal)[0]}
			for _, region := range []string{regionA, regionB} {
				protected = append(protected, cluster(t, m, region), key(t, m, region))
				c := cluster(t, m, region)
				assert.Equal(t, !prod, c.Bool("skipFinalSnapshot"))
				assert.Equal(t, prod, c.Bool("deletionProtection"))
				if prod {
					assert.Equal(t, "multi-region-ha-prod-database-"+region+"-final", c.Str("finalSnapshotIdentifier"))
				} else {
					assert.False(t, c.Has("finalSnapshotIdentifier"))
				}
			}
			for _, r := range protected {
				assert.Equal(t, prod, r.Protect, "%s %s", r.Type, r.Name)
			}
			assert.Equal(t, prod, m.OfType(tGlobal)[0].Bool("deletionProtection"))
			for _, r := range m.OfType(tInstance) {
				assert.False(t, r.Protect, "instances come and go with the counts")
			}
			wantRecovery := 7.0
			if prod {
				wantRecovery = 30
			}
			assert.Equal(t, wantRecovery, m.OfType(tSecret)[0].Num("recoveryWindowInDays"))
		})
	}
}

func TestCredentialsSecret(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	secret := named(t, m, tSecret, "database-credentials")
	assert.Equal(t, regionA, secret.Region, "the secret lives in the home region")
	assert.Equal(t, arn(key(t, m, regionA)), secret.Str("kmsKeyId"))
	require.Equal(t, 1, secret.Len("replicas"))
	assert.Equal(t, regionB, secret.Str("replicas[0].region"))
	assert.Equal(t, arn(key(t, m, regionB)), secret.Str("replicas[0].kmsKeyId"), "the replica uses its region's key")

	version := named(t, m, tVersion, "database-credentials-value")
	assert.Equal(t, secret.ID, version.Str("secretId"))
	assert.True(t, version.IsSecret("secretString"))
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(version.Str("secretString")), &doc))
	password := offline.Lookup(m.OfType(tPassword)[0].Outputs, "result").StringValue()
	require.Len(t, password, 32)
	assert.Equal(t, map[string]any{
		"engine": "postgres", "host": out["globalEndpoint"].Value, "port": 5432.0,
		"username": "dbadmin", "password": password, "dbname": "app",
	}, doc)
	assert.Contains(t, doc["host"], ".global.rds.amazonaws.com", "the global writer endpoint follows the writer")

	secretArn := arn(secret)
	assert.Equal(t, secretArn, out["secretArn"].Value, "writer region's copy")
	assert.Equal(t, strings.Replace(secretArn, ":"+regionA+":", ":"+regionB+":", 1), out["secondarySecretArn"].Value)
	assert.Equal(t, map[string]string{regionA: out["secretArn"].Value.(string), regionB: out["secondarySecretArn"].Value.(string)}, out["secretArns"].Value)
}

func TestPasswordIsSafeAndNeverInAPlainOutput(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	pw := m.OfType(tPassword)[0]
	assert.Equal(t, "database-master-password", pw.Name)
	assert.GreaterOrEqual(t, pw.Num("length"), 32.0)
	special := pw.Str("overrideSpecial")
	assert.NotEmpty(t, special)
	for _, forbidden := range []string{"/", "@", `"`, "'", " ", ":", "?", "#", "%", "&", "\\"} {
		assert.NotContains(t, special, forbidden)
	}
	password := offline.Lookup(pw.Outputs, "result").StringValue()
	require.NotEmpty(t, password)
	require.Greater(t, len(out), 20)
	for tag, o := range out {
		assert.NotContains(t, fmt.Sprint(o.Value), password, "output %s", tag)
		assert.False(t, o.Secret, "output %s needs no secrecy: it carries no credential", tag)
	}
	for _, r := range m.Resources() {
		for _, prop := range []string{"masterPassword", "secretString"} {
			if r.Has(prop) {
				assert.True(t, r.IsSecret(prop), "%s %s.%s", r.Type, r.Name, prop)
			}
		}
	}
}

func TestOutputs(t *testing.T) {
	m, out := run(t, "prod", testArgs(regionA, regionB))
	w, r := cluster(t, m, regionA), cluster(t, m, regionB)
	str := func(r *offline.Resource, k string) string { return offline.Lookup(r.Outputs, k).StringValue() }
	assert.Equal(t, regionA, out["homeRegion"].Value)
	assert.Equal(t, regionB, out["standbyRegion"].Value)
	assert.Equal(t, arn(w), out["primaryClusterArn"].Value)
	assert.Equal(t, str(w, "endpoint"), out["primaryEndpoint"].Value)
	assert.Equal(t, str(w, "readerEndpoint"), out["primaryReaderEndpoint"].Value)
	assert.Equal(t, str(w, "clusterIdentifier"), out["primaryClusterIdentifier"].Value)
	assert.Equal(t, arn(r), out["secondaryClusterArn"].Value)
	assert.Equal(t, str(r, "readerEndpoint"), out["secondaryReaderEndpoint"].Value)
	assert.Equal(t, str(r, "clusterIdentifier"), out["secondaryClusterIdentifier"].Value)
	assert.Contains(t, out["primaryClusterArn"].Value, ":rds:"+regionA+":")
	assert.Contains(t, out["secondaryClusterArn"].Value, ":rds:"+regionB+":")
	assert.Equal(t, map[string]string{regionA: arn(w), regionB: arn(r)}, out["clusterArns"].Value)
	assert.Equal(t, map[string]string{regionA: str(w, "clusterIdentifier"), regionB: str(r, "clusterIdentifier")}, out["clusterIdentifiers"].Value)
	assert.Equal(t, 5432, out["port"].Value)
	assert.Equal(t, arn(m.OfType(tGlobal)[0]), out["globalClusterArn"].Value)
}

func TestArgsAreValidated(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *Args)
		want   string
	}{
		{"same region twice", func(a *Args) { a.Standby.Region = a.Home.Region }, "both us-east-1"},
		{"no home region", func(a *Args) { a.Home.Region = "" }, "Home.Region"},
		{"rpo in two regions", func(a *Args) { a.RpoSeconds = 60 }, "RpoSeconds is 60; allowed: 0 for a two-region global database"},
		{"burstable class", func(a *Args) { a.InstanceClass = "db.t4g.medium" }, "burstable"},
		{"general-purpose class", func(a *Args) { a.InstanceClass = "db.m5.large" }, "memory-optimized"},
		{"bad postgres version", func(a *Args) { a.EngineVersion = "8.0.mysql_aurora.3.08.0" }, "EngineVersion"},
		{"postgres too old for global", func(a *Args) { a.EngineVersion = "16.0" }, "16.1 or newer"},
		{"bad mysql version", func(a *Args) { a.Engine = "aurora-mysql" }, "Aurora MySQL version 3"},
		{"rpo on mysql", func(a *Args) { a.Engine, a.EngineVersion, a.RpoSeconds = "aurora-mysql", "8.0.mysql_aurora.3.08.0", 30 }, "rds.global_db_rpo"},
		{"rpo too small", func(a *Args) { a.RpoSeconds = 10 }, "20 to"},
		{"no home instances", func(a *Args) { a.Home.Instances = 0 }, "Home.Instances"},
		{"headless standby", func(a *Args) { a.Standby.Instances = 0 }, "Standby.Instances"},
		{"no subnets", func(a *Args) { a.Standby.SubnetIds = nil }, "SubnetIds"},
		{"unknown engine", func(a *Args) { a.Engine = "postgres" }, "Engine"},
		{"backup retention", func(a *Args) { a.BackupRetentionDays = 36 }, "1 to 35"},
		{"pi retention", func(a *Args) { a.PerformanceInsightsRetentionDays = 30 }, "multiple of 31"},
		{"monitoring interval", func(a *Args) { a.MonitoringIntervalSeconds = 20 }, "0 (off), 1, 5"},
		{"reserved username", func(a *Args) { a.MasterUsername = "rdsadmin" }, "reserves"},
		{"bad database name", func(a *Args) { a.DatabaseName = "my-app" }, "DatabaseName"},
		{"bad backup window", func(a *Args) { a.BackupWindow = "3-4" }, "BackupWindow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(regionA, regionB)
			tc.mutate(args)
			_, _, err := tryRun(t, "prod", args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "database database:")
		})
	}
	t.Run("nil args", func(t *testing.T) {
		_, _, err := tryRun(t, "prod", nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "args are required")
	})
}
