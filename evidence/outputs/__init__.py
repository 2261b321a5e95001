"""What a run is shown as: HTML, Markdown, OSCAL, JUnit and SARIF, all read from one Assessment."""
