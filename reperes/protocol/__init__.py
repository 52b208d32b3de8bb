"""The draft protocol in the application: edit each article (every saved version kept), compare two versions,
export one, record the COPIL's adoption (the draft stops being marked « Projet »). The content itself is built
by :mod:`reperes.reports.protocol`."""
