package mux

import (
	"reflect"
	"testing"

	"sshbox/configfmt"
)

func TestForwards(t *testing.T) {
	o := &configfmt.ClientOptions{
		LocalForward:   []string{"8080 localhost:80", "[::1]:1 [fe80::1]:2"},
		RemoteForward:  []string{"0 127.0.0.1:22"},
		DynamicForward: []string{"*:1080"},
	}
	got, err := Forwards(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []Forward{
		{Kind: FwdLocal, ListenPort: 8080, ConnectHost: "localhost", ConnectPort: 80},
		{Kind: FwdLocal, ListenHost: "::1", ListenPort: 1, ConnectHost: "fe80::1", ConnectPort: 2},
		{Kind: FwdRemote, ListenPort: 0, ConnectHost: "127.0.0.1", ConnectPort: 22},
		{Kind: FwdDynamic, ListenHost: "*", ListenPort: 1080},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	o.ClearAllForwardings = true
	if got, _ := Forwards(o); got != nil {
		t.Errorf("ClearAllForwardings: %+v", got)
	}
	if _, err := Forwards(&configfmt.ClientOptions{LocalForward: []string{"nope"}}); err == nil {
		t.Error("a bad specification was accepted")
	}
}
