package compute

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// DefaultUserData is the script instances run when Args.UserData is empty: a small service that
// answers the liveness path, the global-primary path (from the Aurora global topology, cached in
// the background) and writes through the global writer endpoint.
//
//go:embed userdata/default.sh
var DefaultUserData string

// MaxUserDataBytes is EC2's limit on user data before base64 encoding.
const MaxUserDataBytes = 16 * 1024

// Placeholders the component replaces in any user data script.
const (
	PlaceholderAppPort         = "__APP_PORT__"
	PlaceholderHealthCheckPath = "__HEALTH_CHECK_PATH__"
	PlaceholderRole            = "__ROLE__"
	PlaceholderPrimaryPath     = "__PRIMARY_PATH__"
	// The topology cache of the global-primary path: refresh period and how long the last answer
	// holds while the database does not answer (edgecalc.PrimaryRefreshSeconds, PrimaryHoldSeconds).
	PlaceholderPrimaryRefresh = "__PRIMARY_REFRESH_SECONDS__"
	PlaceholderPrimaryHold    = "__PRIMARY_HOLD_SECONDS__"
	// Where the database is (DatabaseDiscovery) and the stack the credentials secret is tagged with.
	PlaceholderGlobalCluster = "__GLOBAL_CLUSTER_ID__"
	PlaceholderSecretPrefix  = "__DB_SECRET_PREFIX__"
	PlaceholderStack         = "__STACK__"
	// PlaceholderWriteForwarding is "true" when database.writeForwarding is on: the default
	// application then writes through its own region's cluster while that region is secondary.
	PlaceholderWriteForwarding = "__WRITE_FORWARDING__"
	// PlaceholderRegionHeader is the response header naming the answering region
	// (edgecalc.RegionHeader), which the default application sends on every response.
	PlaceholderRegionHeader = "__REGION_HEADER__"
)

// renderUserData fills the placeholders of args' script (the default one when empty) and returns it
// base64-encoded, as a launch template expects. Every value is fixed before deployment (no output of
// another component), so user data, and with it the instances, change only with config.
func renderUserData(args *Args) (string, error) {
	script := args.UserData
	if script == "" {
		script = DefaultUserData
	}
	rendered := strings.NewReplacer(
		PlaceholderAppPort, strconv.Itoa(args.AppPort),
		PlaceholderHealthCheckPath, args.HealthCheckPath,
		PlaceholderRole, args.Role,
		PlaceholderPrimaryPath, PrimaryPath,
		PlaceholderPrimaryRefresh, strconv.Itoa(edgecalc.PrimaryRefreshSeconds),
		PlaceholderPrimaryHold, strconv.Itoa(edgecalc.PrimaryHoldSeconds),
		PlaceholderGlobalCluster, args.Database.GlobalClusterIdentifier,
		PlaceholderSecretPrefix, args.Database.SecretNamePrefix,
		PlaceholderStack, args.Tags["Stack"],
		PlaceholderWriteForwarding, strconv.FormatBool(args.Database.WriteForwarding),
		PlaceholderRegionHeader, edgecalc.RegionHeader,
	).Replace(script)
	if len(rendered) > MaxUserDataBytes {
		return "", fmt.Errorf("user data is %d bytes; EC2 allows %d", len(rendered), MaxUserDataBytes)
	}
	return base64.StdEncoding.EncodeToString([]byte(rendered)), nil
}
