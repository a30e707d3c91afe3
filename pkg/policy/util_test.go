package policy

import (
	"net/netip"
	"strconv"
	"strings"
)

func fmtInt(i int) string          { return strconv.Itoa(i) }
func contains(s, sub string) bool  { return strings.Contains(s, sub) }
func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
