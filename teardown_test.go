package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// stateful are the types whose deletion AWS refuses while they hold data (vaults with recovery
// points, non-empty buckets) or that the program protects.
const (
	typeVault    = "aws:backup/vault:Vault"
	typeBucket   = "aws:s3/bucketV2:BucketV2"
	typeCluster  = "aws:rds/cluster:Cluster"
	typeGlobalDB = "aws:rds/globalCluster:GlobalCluster"
)

// withAwsConfig turns AWS Config on, so its bucket is part of what must tear down.
func withAwsConfig(cfg map[string]string) map[string]string {
	cfg[offline.Project+":observability"] = `{"enableAwsConfig":true}`
	return cfg
}

// `pulumi destroy` of staging succeeds after the first nightly backup and with logs in every
// bucket: the vaults delete their recovery points and the buckets empty themselves, and nothing
// is protected. Prod's never are force-destroyable.
func TestStagingTearsDownAndProdDoesNot(t *testing.T) {
	for _, tc := range []struct {
		stack   string
		config  map[string]string
		destroy bool
	}{
		{"staging", withAwsConfig(stackConfig(t, "staging")), true},
		{"prod", stackConfig(t, "prod"), false},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config, run)
			vaults, buckets := m.OfType(typeVault), m.OfType(typeBucket)
			require.Len(t, vaults, 2, "a vault per region")
			// ALB access logs per region, CloudFront logs, AWS Config per region.
			require.GreaterOrEqual(t, len(buckets), 5)
			for _, r := range append(append([]*offline.Resource{}, vaults...), buckets...) {
				assert.Equal(t, tc.destroy, r.Bool("forceDestroy"), "%s %s forceDestroy", r.Type, r.Name)
				assert.False(t, r.RetainOnDelete, "%s %s", r.Type, r.Name)
			}
			for _, v := range vaults {
				assert.Equal(t, !tc.destroy, v.Protect, "vault %s protect", v.Name)
			}
			for _, c := range append(m.OfType(typeCluster), m.OfType(typeGlobalDB)...) {
				assert.Equal(t, !tc.destroy, c.Bool("deletionProtection"), "%s %s deletionProtection", c.Type, c.Name)
				assert.Equal(t, !tc.destroy, c.Protect, "%s %s protect", c.Type, c.Name)
			}
			for _, c := range m.OfType(typeCluster) {
				assert.Equal(t, tc.destroy, c.Bool("skipFinalSnapshot"), "cluster %s: staging skips the final snapshot, prod keeps one", c.Name)
			}
			if tc.destroy {
				for _, r := range m.Resources() {
					assert.False(t, r.Protect, "%s %s is protected in staging: pulumi destroy would refuse it", r.Type, r.Name)
				}
			}
		})
	}
}
