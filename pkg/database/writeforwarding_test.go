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
		on                    bool
		// consistency is the parameter that enables forwarding for sessions, empty for none.
		consistency string
	}{
		{"off by default", "aurora-postgresql", "16.6", false, ""},
		{"postgres enables sessions in both groups", "aurora-postgresql", "16.6", true, "apg_write_forward.consistency_mode"},
		{"mysql needs read consistency in both groups", "aurora-mysql", "8.0.mysql_aurora.3.08.0", true, "aurora_replica_read_consistency"},
		{"mysql off", "aurora-mysql", "8.0.mysql_aurora.3.08.0", false, ""},
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
				got := map[string]string{}
				for i := 0; i < pg.Len("parameters"); i++ {
					p := fmt.Sprintf("parameters[%d].", i)
					if n := pg.Str(p + "name"); n == "aurora_replica_read_consistency" || n == "apg_write_forward.consistency_mode" {
						got[n] = pg.Str(p + "value")
					}
				}
				if tc.consistency == "" {
					assert.Empty(t, got, region)
				} else {
					assert.Equal(t, map[string]string{tc.consistency: "SESSION"}, got, region)
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
