package database

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Write forwarding is on both clusters or neither: AWS applies it on the secondary and keeps it on
// the primary for when it is demoted, so no input depends on which region writes.
func TestWriteForwardingOnBothClusters(t *testing.T) {
	for _, tc := range []struct {
		name, engine, version string
		on, readConsistency   bool
	}{
		{"off by default", "aurora-postgresql", "16.6", false, false},
		{"postgres", "aurora-postgresql", "16.6", true, false},
		{"mysql needs read consistency in both groups", "aurora-mysql", "8.0.mysql_aurora.3.08.0", true, true},
		{"mysql off", "aurora-mysql", "8.0.mysql_aurora.3.08.0", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(regionA, regionB)
			args.Engine, args.EngineVersion, args.WriteForwarding = tc.engine, tc.version, tc.on
			m, _ := run(t, "prod", args)
			for _, region := range []string{regionA, regionB} {
				c := cluster(t, m, region)
				require.True(t, c.Has("enableGlobalWriteForwarding"), region)
				assert.Equal(t, tc.on, c.Bool("enableGlobalWriteForwarding"), region)
				pg := named(t, m, tParams, "database-"+region+"-params")
				got := ""
				for i := 0; i < pg.Len("parameters"); i++ {
					p := fmt.Sprintf("parameters[%d].", i)
					if pg.Str(p+"name") == "aurora_replica_read_consistency" {
						got = pg.Str(p + "value")
					}
				}
				if tc.readConsistency {
					assert.Equal(t, "SESSION", got, region)
				} else {
					assert.Empty(t, got, region)
				}
			}
		})
	}
}

func TestWriteForwardingRefusesOldPostgres(t *testing.T) {
	args := testArgs(regionA, regionB)
	args.EngineVersion, args.WriteForwarding = "15.3", true
	_, _, err := tryRun(t, "prod", args)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WriteForwarding")
	assert.Contains(t, err.Error(), "15.4")
}
