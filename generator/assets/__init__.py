"""Files the site needs beside its pages: stylesheets, static files and images."""
